"""The registry's names that the code refers to by name: the one place they are written in code.

Everything else about a table (its columns, keys, types, enumerations, roles) is read from the
registry; only the tables and columns that a rule or a document is *about* are named here (the
evidence table's excerpt and offsets, the claims table's `agrees`, ...). tests/test_registry.py
checks that every name here is a table, column or allowed value of the registry, and that no other
module under src/ writes a registry name as a string.
"""

from __future__ import annotations


class Precision:
    """The date_precision vocabulary, shared by every dated table (contract.dates derives it)."""
    table = "visits"
    day = "day"
    days = "days"
    month = "month"
    months = "months"
    year = "year"
    years = "years"
    open = "open"


class Sources:
    table = "sources"
    id = "source_id"
    title = "title"
    publisher = "publisher"
    author = "author"
    doc_kind = "doc_kind"
    language = "language"        # ISO 639-1: the viewer's `lang` of the text, the annotations' language
    raw_path = "raw_path"
    sha256 = "sha256"
    char_count = "char_count"
    date_edtf = "date_edtf"
    retrieved_from = "retrieved_from"
    retrieved_on = "retrieved_on"
    copy_extent = "copy_extent"
    whole = "whole"              # copy_extent: the complete text
    partial = "partial"          # copy_extent: an excerpt or a truncated copy
    video_summary = "video_summary"  # doc_kind whose excerpts carry the video time of their timestamp anchor


class Actors:
    table = "actors"
    id = "actor_id"
    name = "name"
    aliases = "aliases"


class Visits:
    table = "visits"
    id = "visit_id"
    guest_id = "guest_id"
    host_id = "host_id"
    host_country = "host_country"
    start_date = "start_date"
    end_date = "end_date"
    date_earliest = "date_earliest"
    date_latest = "date_latest"
    visit_type = "visit_type"


class VisitEvents:
    table = "visit_events"
    id = "event_id"


class Export:
    """What the event export (contract.event_export, view `directed_events`) reads from the tables: the record's
    actors and city, the actors' CAMEO parts, the sources' addresses and windows, the evidence citing a record."""
    actors = "actors"
    actor_id = "actor_id"
    actor_name = "name"
    country_code = "country_code"
    cameo_role = "cameo_role"
    igo = "IGO"                      # cameo_role of an international organisation: the whole actor code
    sources = "sources"
    source_id = "source_id"
    url = "url"
    public_url = "public_url"
    evidence = "evidence"
    record_table = "record_table"
    record_id = "record_id"
    visits = "visits"
    visit_events = "visit_events"
    visit_id = "visit_id"
    guest_id = "guest_id"
    host_id = "host_id"
    city = "city"
    participant_ids = "participant_ids"
    parties = "parties"
    date_earliest = "date_earliest"
    date_latest = "date_latest"
    plover_event_type = "plover_event_type"
    plover_mode = "plover_mode"


class Agreements:
    table = "agreements"
    id = "agreement_id"
    title = "title"
    agreement_type = "agreement_type"
    signed_date = "signed_date"
    date_earliest = "date_earliest"
    date_latest = "date_latest"
    summary = "summary"


class TradeFigures:
    table = "trade_figures"
    id = "figure_id"
    measure = "measure"
    reporter = "reporter"
    partner = "partner"
    period_start = "period_start"
    period_end = "period_end"
    value = "value"
    unit = "unit"
    value_as_reported = "value_as_reported"
    value_qualifier = "value_qualifier"
    subject_as_reported = "subject_as_reported"
    period_as_reported = "period_as_reported"
    change_as_reported = "change_as_reported"
    reported_by = "reported_by"
    source_id = "source_id"
    usd = "USD"                  # unit of money figures (the trade chart scales its axis to billions)
    rank = "rank"                # unit of rankings (the trade chart draws them as points, not bars)
    exact = "exact"              # the qualifier of a figure stated without one (drawn solid)
    deal_value = "deal_value"    # measure drawn in its own colour


class Assessments:
    table = "assessments"
    id = "assessment_id"
    topic = "topic"
    answer = "answer"
    source_id = "source_id"


class Quotes:
    table = "quotes"
    id = "quote_id"
    text = "text"
    speakers = "speaker_ids"
    kind = "quote_kind"
    source_id = "source_id"
    reported = "reported"        # quote_kind: reported speech, words the document gives without quotation marks
    by_document = "printed"      # translated_by: the document prints the English itself


class Evidence:
    table = "evidence"
    id = "evidence_id"
    record_table = "record_table"
    record_id = "record_id"
    supports = "supports"
    disagrees = "disagrees_on"
    source_id = "source_id"
    excerpt = "excerpt"
    char_start = "char_start"
    char_end = "char_end"
    video_time = "video_time"


class Inferences:
    table = "inferences"
    record_table = "record_table"
    record_id = "record_id"
    field = "field"
    source_id = "source_id"
    basis = "basis"
    reason = "reason"
    external = "external"    # basis of a value known only from outside the documents


class Distinctions:
    table = "distinctions"
    record_table = "record_table"
    record_id = "record_id"
    other_id = "other_id"
    differs_in = "differs_in"
    why = "why_distinct"


class Claims:
    table = "claims"
    record_table = "record_table"
    record_id = "record_id"
    field = "field"
    source_id = "source_id"
    claimed_value = "claimed_value"
    value_as_reported = "value_as_reported"
    agrees = "agrees"
    rule = "rule"
    evidence_ids = "evidence_ids"


class RenamedIds:
    table = "renamed_ids"
    record_table = "record_table"
    old_id = "old_id"
    record_id = "record_id"


class Documents:
    """browse.yaml: the SQLite database's documents table (the columns the export fills in itself)."""
    table = "documents"
    id = "source_id"
    text = "document_text"
    viewer_page = "viewer_page"


class EvidenceInContext:
    """browse.yaml: the SQLite database's evidence_in_context table (the columns the export fills in itself)."""
    table = "evidence_in_context"
    context_before = "context_before"
    context_after = "context_after"


# The namespaces of the SQLite database's own tables (browse.yaml), checked against registry.browse.
BROWSE_NAMESPACES = (Documents, EvidenceInContext)

NAMESPACES = (Precision, Sources, Actors, Visits, VisitEvents, Agreements, TradeFigures, Quotes, Assessments, Evidence,
              Inferences, Claims, Distinctions, RenamedIds)
