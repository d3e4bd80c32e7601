"""``python -m kzafrica``: the same as the ``kzafrica`` command."""

from kzafrica.cli import main

main()
