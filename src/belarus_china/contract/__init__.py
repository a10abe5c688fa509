"""Contract layer: what a valid package is, decided from the registry and the files alone.

- `registry`: validation/*.yaml read once (columns, tables, roles); Table Schemas derived from it.
- `vocabulary`: the registry names the code refers to by name (checked against the registry by a test).
- `rules`: every table rule, written once (pandera schemas and cross-table rules).
- `checks`: the named domain checks (`check:` in fields.yaml).
- `words`: what a document's words for a number, change, period or date mean (used by the build to
  check values against their words).
- `frames`: rows to DataFrames with the registry's dtypes.
- `validate`: every check on a published package (folder, descriptor or zip).

Never imports the curation or publishing layers: a package from a stranger is checked with nothing
but the registry and its files.
"""
