"""The store: validated facts in SQLite (shipped, cached, dumped), and how they are opened."""
