"""The curation file format's own key names (build/README.md documents them): a vocabulary module.

Section names come from the registry (tables.yaml `curation.section`); these are the keys around
them. Some coincide with column names (an evidence item's `excerpt` becomes evidence.excerpt), which
is why they are written here and not in the reading code.
"""

from __future__ import annotations

RAW_FILE = "raw_file"            # a document file's raw document; an evidence item's, in the shared file
DISMISSED = "dismissed"          # audit candidates the curator dismisses, with a reason
EVIDENCE = "evidence"            # a record's excerpts
INFERRED = "inferred"            # field -> why the value is not stated literally
RESOLVE = "resolve"              # claim group -> why this file's claim wins a disagreement
DISTINCT_FROM = "distinct_from"  # id of a record this one looks like -> why it is another
REPLACES = "replaces"            # earlier ids of this record (a renamed id stays resolvable)

EXCERPT = "excerpt"
WITHIN = "within"
OCCURRENCE = "occurrence"
SUPPORTS = "supports"
REASON = "reason"
DIFFERS_IN = "differs_in"   # in a distinct_from entry: the columns in which the two records differ
BASIS = "basis"                  # of an inference: text (read from the document) or external
BASIS_TEXT = "text"
BASES = ("text", "external")

RECORD_EXTRAS = {EVIDENCE, INFERRED, RESOLVE, DISTINCT_FROM, REPLACES}
EVIDENCE_KEYS = {EXCERPT, WITHIN, OCCURRENCE, SUPPORTS, RAW_FILE}
DISMISSED_KEYS = {EXCERPT, WITHIN, OCCURRENCE, REASON}
