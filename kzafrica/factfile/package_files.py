"""Where the files shipped inside the package are, named once for every layer."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).parents[1]  # kzafrica/
SOURCES = PACKAGE_DIR / "sources"  # the shipped copies of the articles
