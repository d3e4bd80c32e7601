"""The fact file: its models, reading its YAML, validating it against the article."""
