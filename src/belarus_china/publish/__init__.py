"""Publishing layer: frames and plain data -> files. Never imports the curation layer.

- `tables`: CSV and Parquet bytes of each table.
- `descriptor`: datapackage.json for the written files.
- `docs`: codebook, datasheet, coverage report, problem catalogue.
- `charts`: the README's SVG charts.
- `release`: CITATION.cff and the release zip.
- `sqlite`: the SQLite database for Datasette.
- `viewer`: the evidence viewer, a static HTML page per source document (`highlight`: overlapping
  excerpts as nested marks).
- `web_annotations`: the evidence as W3C Web Annotations (JSON-LD).
- `stage`: staging, then swapping the new files into place.
"""
