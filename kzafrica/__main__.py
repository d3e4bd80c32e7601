"""``python -m kzafrica``: the same as the ``kzafrica`` command."""

from kzafrica.cli.entry import run

run()
