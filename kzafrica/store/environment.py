"""The environment variables kzafrica reads, each named once.

The store layer is the lowest that reads any of them: which facts file to use
(:mod:`kzafrica.store.access`) and whether to keep validated stores
(:mod:`kzafrica.store.cache`).
"""

ENV_DATA = "KZAFRICA_DATA"  # the facts file to read when --data is not given
ENV_NO_CACHE = "KZAFRICA_NO_CACHE"  # 1, true or yes: validate every run, cache nothing
