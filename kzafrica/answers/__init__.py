"""Answers: queries over the fact base, countries by any name, text folding, coverage.

Pure functions: no Typer, no Rich, no printing.
"""
