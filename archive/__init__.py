"""Reading a Jekyll digest archive and owning the SQLite store."""
