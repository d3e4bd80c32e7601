"""kzafrica: facts from news articles on Kazakhstan–Africa relations, each with its source."""

__version__ = "0.1.0"
