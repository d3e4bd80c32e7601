"""Output: the formats every answer is written in, and the tables people read."""
