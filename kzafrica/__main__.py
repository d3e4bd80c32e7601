"""``python -m kzafrica``: the same as the ``kzafrica`` command."""

from kzafrica.entry import run

run()
