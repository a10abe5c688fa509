"""Curation layer: curation files + raw documents -> the rows of every table.

- `yaml_reader`, `records`, `file_format`: reading build/*.yaml into typed records.
- `locate`: how an excerpt is found in its document (offsets).
- `evidence`: evidence rows for records and actor aliases.
- `merge`: what several documents say about one record, every claim kept.
- `assemble`: the stage's orchestrator (and where each row came from).
- `audit`, `audit_patterns`: the coverage audit of the raw documents.
"""
