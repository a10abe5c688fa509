"""What a user runs on a published package: `serve` (Datasette) and `diff` (two packages compared)."""
