"""Bad curation input: one clear error per problem, naming file, record and field; all collected."""

from __future__ import annotations

import re

import pytest
from conftest import snapshot

from belarus_china.base.problems import ProblemsFound
from belarus_china.cli import main
from belarus_china.pipeline import build

DOC = "build/002_c5e2ce6a28da5d25.yaml"
FIGURE = "  - figure_id: blr-chn-trade-2023q1-q3\n"


def _edit(root, old, new, path=DOC):
    file = root / path
    text = file.read_text(encoding="utf-8")
    assert old in text, old
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def _append(root, path, text):
    file = root / path
    file.write_text(file.read_text(encoding="utf-8") + text, encoding="utf-8")


def _manifest_line(root, name):
    import hashlib
    digest = hashlib.sha256((root / "raw" / name).read_bytes()).hexdigest()
    _append(root, "raw/SHA256SUMS", f"{digest}  {name}\n")


def _raw_document(root, name, data: bytes):
    (root / "raw" / name).write_bytes(data)
    _manifest_line(root, name)


def _alias_bomb(root):
    """The billion laughs: about 1 KB that expands to 10^9 items (the old reader ran 47 s, 5.6 GB)."""
    bomb = 'laughs0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    bomb += "".join(f"laughs{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 10))
    _append(root, DOC, bomb)


def _not_regular_raw_file(root):
    (root / "raw/005_dir.txt").mkdir()
    _append(root, "raw/SHA256SUMS", f"{'0' * 64}  005_dir.txt\n")


def _failures(root):
    before = snapshot(root)
    with pytest.raises(ProblemsFound) as caught:
        build(root, use_frictionless=False)
    assert snapshot(root) == before
    return caught.value.problems


def _one_named(problems, code, *where):
    """A problem with this code whose report names every one of `where` (file, record, field)."""
    matching = [p for p in problems if p.code == code and all(w in str(p) for w in where)]
    assert matching, f"no {code} problem names {where!r}:\n" + "\n".join(map(str, problems))


FIGURE_ID = "trade_figures[blr-chn-trade-2023q1-q3]"
PUTIN_VISITS = "visits[putin-china-high-profile-visits]"
SECOND_TRIP = "visits[lukashenko-china-2023-second-trip]"
MONDAY_TALKS = "visit_events[lukashenko-xi-talks-monday-2023]"

# (kind, edit, problem code, what the report must name: file, record, field)
CASES = [
    ("syntax error", lambda r: _edit(r, "quotes:\n", "quotes: [\n"), "yaml-syntax", (DOC, "at line")),
    ("unknown field", lambda r: _edit(r, FIGURE, FIGURE + "    colour: red\n"), "unknown-field",
     (DOC, FIGURE_ID, "colour")),
    ("wrong type", lambda r: _edit(r, "    change_pct: 83.6\n", "    change_pct: a lot\n"), "value-unparseable",
     (DOC, FIGURE_ID, "change_pct")),
    ("missing required field", lambda r: _edit(r, "    measure: total_trade\n", ""), "required",
     (DOC, FIGURE_ID, "measure")),
    ("duplicate id across files",
     lambda r: _edit(r, "quote_id: lukashenko-these-are-different-visits",
                     "quote_id: lukashenka-as-if-i-could-not-agree"),
     "unique", (DOC, "build/003", "quotes[lukashenka-as-if-i-could-not-agree]", "quote_id")),
    ("excerpt not found", lambda r: _edit(r, 'excerpt: "Lukashenko told Xi on Monday"',
                                          'excerpt: "Lukashenko told Xi on Sunday"'), "excerpt-not-found",
     (DOC, "Lukashenko told Xi on Sunday")),
    ("excerpt ambiguous", lambda r: _edit(r, 'excerpt: "Lukashenko told Xi on Monday"',
                                          'excerpt: "Lukashenko told Xi"'), "excerpt-ambiguous",
     (DOC, "'Lukashenko told Xi'", "occurs 2 times")),
    ("unknown actor", lambda r: _edit(r, "    speaker_ids: [alexander-lukashenko]\n", "    speaker_ids: [a-lukashenko]\n"),
     "foreign-key", (DOC, "quotes[lukashenko-reliable-partner-for-china]", "speaker_ids", "'a-lukashenko'")),
    ("unparseable date", lambda r: _edit(r, "    date_earliest: 2022-02-01\n", "    date_earliest: 01/02/2022\n"),
     "value-unparseable", (DOC, PUTIN_VISITS, "date_earliest")),
    ("impossible date", lambda r: _edit(r, "    date_earliest: 2022-02-01\n", "    date_earliest: 2022-02-30\n"),
     "value-unparseable", (DOC, PUTIN_VISITS, "date_earliest")),
    ("unparseable amount", lambda r: _edit(r, '    value_as_reported: $6.45 billion\n',
                                           '    value_as_reported: 6.45 billion euros\n'), "words-unparseable",
     (DOC, FIGURE_ID, "value_as_reported")),
    ("value disagrees with its words", lambda r: _edit(r, "    value: 6450000000\n", "    value: 6540000000\n"),
     "words-mismatch", (DOC, FIGURE_ID, "value", "says 6.45e+09")),
    ("a figure's words left out", lambda r: _edit(r, "    value_as_reported: $6.45 billion\n", ""), "words-missing",
     (DOC, FIGURE_ID, "value_as_reported", "6.45e+09")),
    ("a kind its excerpt does not say", lambda r: _edit(r, "    visit_type: working_visit\n", "    visit_type: state_visit\n"),
     "enum-not-said", (DOC, SECOND_TRIP, "visit_type", "'state visit'")),
    ("change disagrees with its words", lambda r: _edit(r, "    change_pct: 83.6\n", "    change_pct: 38.6\n"),
     "words-mismatch", (DOC, FIGURE_ID, "change_pct")),
    ("period disagrees with its words",
     lambda r: _edit(r, "    period_as_reported: the first three quarters of 2023\n",
                     "    period_as_reported: the first three quarters of 2023\n    period_end: 2023-12-31\n"),
     "date-words", (DOC, FIGURE_ID, "period_start", "2023-01-01 to 2023-09-30")),
    ("qualifier dropped", lambda r: _edit(r, '    value_qualifier: approximately\n    value_as_reported: around 43',
                                          '    value_qualifier: exact\n    value_as_reported: around 43'),
     "words-mismatch", (DOC, "value_qualifier", "'approximately'")),
    ("value outside an enumeration", lambda r: _edit(r, "    channel: official_readout\n", "    channel: rumour\n"),
     "enum", (DOC, "quotes[lukashenko-reliable-partner-for-china]", "channel", "'rumour'")),
    ("quote text not in its evidence", lambda r: _edit(r, "text: \"These are different visits.",
                                                       "text: \"These were different visits."),
     "not-verbatim", (DOC, "quotes[lukashenko-these-are-different-visits]", "text")),
    ("computed field written by hand", lambda r: _edit(r, FIGURE, FIGURE + "    source_id: someone-else\n"),
     "computed-field", (DOC, FIGURE_ID, "source_id")),
    ("record without evidence", lambda r: _edit(r, "quotes:\n", "quotes:\n  - quote_id: unsupported\n"
                                                "    text: words\n    speaker_ids: [xi-jinping]\n    quote_kind: speech\n"
                                                "    channel: not_stated\n"),
     "no-evidence", (DOC, "quotes[unsupported]")),
]


A003 = "build/003_e34279620fbde07c.yaml"
A001 = "build/001_25d60bc68a19f325.yaml"
SHARED = "build/actors.yaml"
PUTIN = "  - actor_id: vladimir-putin\n"

# Bounded, unambiguous curation input: what YAML would expand, override or hide.
CASES += [
    ("a publisher the text never names", lambda r: _edit(r, "  publisher: RFE/RL\n", "  publisher: Reuters\n", A003),
     "value-not-shown", (A003, "sources[rferl-lukashenka-goes-to-china]", "publisher", "'Reuters'")),
    ("YAML anchor and alias", lambda r: _edit(r, "    measure: total_trade\n", "    measure: &m total_trade\n"),
     "yaml-alias", (DOC, "anchor &m")),
    ("YAML alias bomb", _alias_bomb, "yaml-alias", (DOC, "anchor &a0")),
    ("YAML merge key", lambda r: _edit(r, FIGURE, FIGURE + "    <<: {measure: exports}\n"), "yaml-alias",
     (DOC, "merge key")),
    ("a key written twice", lambda r: _edit(r, "  doc_kind: news\n", "  doc_kind: news\n  doc_kind: opinion\n"),
     "yaml-duplicate-key", (DOC, "'doc_kind' is written twice", "first at line")),
    ("a section written twice", lambda r: _append(r, DOC, "quotes: []\n"), "yaml-duplicate-key",
     (DOC, "'quotes' is written twice")),
    ("nesting too deep", lambda r: _append(r, DOC, "deep: " + "[" * 200_000 + "]" * 200_000 + "\n"), "yaml-too-deep",
     (DOC, "deeper than 32")),
    ("curation file over the size limit", lambda r: _append(r, DOC, "# " + "x" * (16 * 1024 * 1024) + "\n"),
     "curation-file-too-large", (DOC, "16 MiB")),
    ("value over the limit", lambda r: _edit(r, "    measure: total_trade\n", "    measure: " + "x" * 10_001 + "\n"),
     "value-too-long", (DOC, "measure", "10,001 characters")),
    ("excerpt over the limit", lambda r: _edit(r, 'excerpt: "Lukashenko told Xi on Monday"',
                                               'excerpt: "' + "Lukashenko told Xi on Monday " * 200 + '"'),
     "value-too-long", (DOC, "excerpt", "5,000")),
    ("control character in curated text", lambda r: _edit(r, "    change_pct: 83.6\n", '    change_pct: "83.6\\a"\n'),
     "unsafe-character", (DOC, "U+0007")),
    ("bidirectional override in curated text",
     lambda r: _edit(r, "  title: Putin Ally Turns to China To Balance Reliance on Russia\n",
                     '  title: "Putin Ally \\u202Eanihc ot snruT"\n'),
     "unsafe-character", (DOC, "U+202E")),
    ("raw document with a byte-order mark", lambda r: _raw_document(r, "005_bom.txt", b"\xef\xbb\xbfMinsk, 2023."),
     "raw-text-form", ("raw/005_bom.txt", "byte-order mark")),
    ("raw document with CRLF line endings", lambda r: _raw_document(r, "005_crlf.txt", b"Minsk.\r\nBeijing.\r\n"),
     "raw-text-form", ("raw/005_crlf.txt", "2 carriage return(s)")),
]

# Further kinds, so that every curation-side problem code has its bad input.
CASES += [
    ("manifest missing", lambda r: (r / "raw/SHA256SUMS").unlink(), "raw-manifest-missing", ("raw/SHA256SUMS",)),
    ("manifest line malformed", lambda r: _append(r, "raw/SHA256SUMS", "not a checksum line\n"),
     "raw-manifest-malformed", ("raw/SHA256SUMS", "line 6")),
    ("raw document not a regular file", _not_regular_raw_file, "raw-file-not-regular", ("raw/005_dir.txt",)),
    ("raw document not UTF-8", lambda r: ((r / "raw/005_latin.txt").write_bytes("Minsk \xe9t\xe9".encode("latin-1")),
                                         _manifest_line(r, "005_latin.txt")), "raw-not-utf8", ("raw/005_latin.txt",)),
    ("curation file not UTF-8", lambda r: (r / DOC).write_bytes((r / DOC).read_bytes() + "# caf\xe9\n".encode("latin-1")),
     "yaml-encoding", (DOC,)),
    ("section of the wrong shape", lambda r: _edit(r, "quotes:\n", "quotes: 5\nspare:\n"), "curation-shape",
     (DOC, "quotes")),
    ("unknown section", lambda r: _append(r, DOC, "speeches: []\n"), "unknown-section", (DOC, "speeches")),
    ("list where one value goes", lambda r: _edit(r, "    measure: total_trade\n", "    measure: [total_trade, exports]\n"),
     "value-type", (DOC, FIGURE_ID, "measure")),
    ("empty value", lambda r: _edit(r, "    measure: total_trade\n", "    measure: ''\n"), "empty-value",
     (DOC, FIGURE_ID, "measure")),
    ("record without its id", lambda r: _edit(r, FIGURE, "  - measure_note: x\n"), "missing-id", (DOC, "figure_id")),
    ("curation file for another document", lambda r: _edit(r, "raw_file: 002_c5e2ce6a28da5d25.txt", "raw_file: other.txt"),
     "raw-file-name", (DOC, "raw_file")),
    ("document without curation file", lambda r: (r / DOC).unlink(), "uncurated-document", ("raw/002_c5e2ce6a28da5d25.txt",)),
    ("curation file without document", lambda r: (r / "build/009_nothing.yaml").write_text(
        "raw_file: 009_nothing.txt\nsource:\n  source_id: nothing\n  doc_kind: news\n  language: en\n", encoding="utf-8"),
     "curation-raw-missing", ("build/009_nothing.yaml", "raw_file")),
    ("malformed evidence item", lambda r: _edit(r, 'excerpt: "Lukashenko told Xi on Monday"', 'excerpt: ""'),
     "evidence-item", (DOC, "evidence")),
    ("shared excerpt without its document",
     lambda r: _edit(r, '      - raw_file: 003_e34279620fbde07c.txt\n        excerpt: "Russian President Vladimir Putin"',
                     '      - excerpt: "Russian President Vladimir Putin"', path=SHARED),
     "evidence-raw-file", (SHARED, "actors[vladimir-putin]")),
    ("key written twice", lambda r: _edit(r, "  - figure_id: china-belarus-industrial-park-area\n",
                                          "  - figure_id: china-belarus-industrial-park-area\n"
                                          "    inferred: {reported_by: guessed}\n"),
     "yaml-duplicate-key", (DOC, "'inferred'", "line")),
    ("occurrence out of range", lambda r: _edit(r, 'excerpt: "Lukashenko told Xi on Monday"',
                                                'excerpt: "Lukashenko told Xi on Monday"\n        occurrence: 9'),
     "excerpt-occurrence", (DOC, "Lukashenko told Xi on Monday")),
    ("within passage not in the document", lambda r: _edit(r, 'excerpt: "Lukashenko told Xi on Monday"',
                                                           'excerpt: "Lukashenko told Xi on Monday"\n'
                                                           '        within: "no such passage"'),
     "excerpt-within", (DOC, "Lukashenko told Xi on Monday")),
    ("alias in no document", lambda r: _edit(r, "aliases: [Vladimir Putin, Putin]", "aliases: [Vladimir Putin, Putin, Zzyzx]",
                                             path=SHARED), "alias-not-found", (SHARED, "actors[vladimir-putin]", "Zzyzx")),
    ("dismissal without reason", lambda r: _append(r, DOC, "  - excerpt: About the writer\n"), "dismissal-reason",
     (DOC, "dismissed[About the writer]")),
    ("inferred field without value",
     lambda r: _edit(r, "    inferred:\n      subject_id: '\"It promises",
                     "    inferred:\n      reported_by: guessed\n      subject_id: '\"It promises"),
     "inferred-without-value", (DOC, "trade_figures[china-belarus-industrial-park-area]", "reported_by")),
    ("inference in the shared file", lambda r: _edit(r, PUTIN, PUTIN + "    inferred: {role: guessed}\n", path=SHARED),
     "inferred-without-source", (SHARED, "actors[vladimir-putin]", "role")),
    ("curator's text written twice", lambda r: _edit(r, "  - visit_id: lukashenko-china-2023-02-28\n",
                                                     "  - visit_id: lukashenko-china-2023-02-28\n"
                                                     "    summary: A different summary.\n", path=A001),
     "curator-text-conflict", (A001, A003, "visits[lukashenko-china-2023-02-28]", "summary")),
    ("sources tie and nothing decides", lambda r: _edit(r, "    resolve:\n      visit_type: >-\n",
                                                        "    notes_unused: >-\n", path=A003),
     "merge-tie", ("visits[lukashenko-china-2023-02-28]", "visit_type", "resolve")),
    ("two resolutions", lambda r: _edit(r, "  - visit_id: lukashenko-china-2023-02-28\n",
                                        "  - visit_id: lukashenko-china-2023-02-28\n"
                                        "    resolve: {visit_type: because}\n", path=A001),
     "merge-resolve-conflict", (A001, A003, "visit_type")),
    ("change without its words", lambda r: _edit(r, "    change_as_reported: 83.6 percent year-on-year increase\n", ""),
     "words-missing", (DOC, FIGURE_ID, "change_as_reported")),
    ("candidate fact left uncovered",
     lambda r: _edit(r, '  - excerpt: "Pavel Orlovsky/AFP via Getty"\n', "  - excerpt: AFP via Getty\n"),
     "coverage-uncovered", ("raw/002_c5e2ce6a28da5d25.txt", "Pavel Orlovsky")),
]

# Fidelity: a value must be what its words and its excerpts say.
CASES += [
    ("bound not what the date words give",
     lambda r: _edit(r, "    date_as_reported: this week\n", "    date_as_reported: this week\n    date_earliest: 2023-09-01\n"),
     "date-words", (DOC, SECOND_TRIP, "date_earliest", "2023-10-02")),
    ("relative date words without an anchor",
     lambda r: _edit(r, "    date_as_reported: this week\n    date_anchor: source\n", "    date_as_reported: this week\n"),
     "date-anchor", (DOC, SECOND_TRIP, "date_anchor")),
    ("date anchor naming no dated record",
     lambda r: _edit(r, "    date_as_reported: this week\n    date_anchor: source\n",
                     "    date_as_reported: this week\n    date_anchor: visits/nothing\n"),
     "date-anchor", (DOC, SECOND_TRIP, "'visits/nothing'")),
    ("date anchors in a cycle",
     lambda r: _edit(r, "    date_as_reported: on Monday\n    date_anchor: source\n",
                     "    date_as_reported: on Monday\n    date_anchor: visit_events/lukashenko-xi-talks-monday-2023\n"),
     "date-anchor", (DOC, MONDAY_TALKS, "cycle")),
    ("date words nobody can read", lambda r: _edit(r, "    date_as_reported: March 1, 2023\n",
                                                   "    date_as_reported: March 1, 20233\n"),
     "date-words", (DOC, "visit_events[lukashenko-xi-talks-2023-03-01]", "date_as_reported")),
    ("window ends before it begins", lambda r: _edit(r, "    date_earliest: 2022-02-01\n", "    date_earliest: 2024-02-01\n"),
     "window-order", (DOC, PUTIN_VISITS, "date_earliest")),
    ("bound the words leave open, not marked inferred",
     lambda r: _edit(r, "    inferred:\n      date_earliest: >-\n", "    inferred:\n      visit_type: >-\n"),
     "date-unread", (DOC, PUTIN_VISITS, "date_earliest")),
    ("event outside its visit's window",
     lambda r: _edit(r, "  - event_id: lukashenko-xi-talks-monday-2023\n    visit_id: lukashenko-china-2023-second-trip\n",
                     "  - event_id: lukashenko-xi-talks-monday-2023\n    visit_id: lukashenko-china-2023-02-28\n"),
     "date-container", (DOC, MONDAY_TALKS, "lukashenko-china-2023-02-28")),
    ("city its excerpts do not show",
     lambda r: _edit(r, "    host_country: CHN\n    city: Beijing\n    date_as_reported: this week\n",
                     "    host_country: CHN\n    city: Shanghai\n    date_as_reported: this week\n"),
     "value-not-shown", (DOC, SECOND_TRIP, "'Shanghai'")),
    ("claim without its source's evidence",
     lambda r: _edit(r, "supports: [guest_id, host_id, host_country, date_as_reported, visit_type, visit_type_as_reported]",
                     "supports: [guest_id, host_id, date_as_reported, visit_type, visit_type_as_reported]"),
     "claim-unsupported", (DOC, PUTIN_VISITS, "host_country")),
    ("canonical name no document uses", lambda r: _edit(r, "    name: Vladimir Putin\n", "    name: Vladimir V. Putin\n",
                                                        path=SHARED),
     "name-not-shown", (SHARED, "actors[vladimir-putin]", "'Vladimir V. Putin'")),
    ("outside knowledge marked as read from the text",
     lambda r: _edit(r, "      name: {basis: external, reason: 'The text says only \"a readout released by his office\"",
                     "      name: {basis: text, reason: 'The text says only \"a readout released by his office\""),
     "basis-external", (DOC, "actors[lukashenko-office]: name", "basis external")),
]

# Growth: a known record curated again under another id.
CASES += [
    ("a known visit under a new id",
     lambda r: _edit(r, "  - visit_id: lukashenko-china-2023-02-28\n", "  - visit_id: lukashenko-china-2023-03-01\n",
                     path="build/004_736d6101656b867f.yaml"),
     "lookalike-record", ("build/004_736d6101656b867f.yaml", "visits[lukashenko-china-2023-03-01]",
                          "lukashenko-china-2023-02-28", "distinct_from")),
]

# Release: a version without its CHANGELOG heading.
CASES += [
    ("version without its CHANGELOG heading",
     lambda r: (r / "pyproject.toml").write_text(
         re.sub(r'^version = "[^"]+"', 'version = "99.0.0"', (r / "pyproject.toml").read_text(encoding="utf-8"),
                flags=re.MULTILINE), encoding="utf-8"),
     "changelog-heading", ("CHANGELOG.md", "## [99.0.0] - YYYY-MM-DD")),
]

XI_QID = "    wikidata_id: Q15031\n"
XI_QID_SOURCE = ("    wikidata_source: "
                 "https://github.com/apognu/motiva/blob/a4894c9cae8b0b78087fb28363d111d3bfce9cff/crates/libmotiva/src/matching/tests/comprehensive.rs\n")

# Interoperability: Wikidata ids keep their source; event-data codes are the build's, never the curator's.
CASES += [
    ("Wikidata id without where it was verified",
     lambda r: _edit(r, XI_QID + XI_QID_SOURCE, XI_QID, path=SHARED),
     "pair-incomplete", (SHARED, "actors[xi-jinping]", "wikidata_source")),
    ("event code written by hand",
     lambda r: _edit(r, "    visit_type: working_visit\n", "    visit_type: working_visit\n    cameo_code: '042'\n"),
     "computed-field", (DOC, SECOND_TRIP, "cameo_code")),
]


@pytest.mark.parametrize("name, edit, code, where", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_named(project, name, edit, code, where):
    edit(project)
    _one_named(_failures(project), code, *where)


def test_errors_are_collected_not_reported_one_per_run(project):
    _edit(project, "    change_pct: 83.6\n", "    change_pct: a lot\n")
    _edit(project, "    speaker_ids: [alexander-lukashenko]\n", "    speaker_ids: [a-lukashenko]\n")
    _edit(project, 'excerpt: "Arriving on February 28"', 'excerpt: "Arriving on February 31"',
          path="build/003_e34279620fbde07c.yaml")
    problems = _failures(project)
    _one_named(problems, "value-unparseable", "change_pct")
    _one_named(problems, "foreign-key", "a-lukashenko")
    _one_named(problems, "excerpt-not-found", "February 31")


def test_the_cli_prints_them_without_a_traceback(project, capsys):
    _edit(project, "    change_pct: 83.6\n", "    change_pct: a lot\n")
    assert main(["build", "--root", str(project), "--no-frictionless"]) == 1
    err = capsys.readouterr().err
    assert "nothing was published" in err and "change_pct" in err and "[value-unparseable]" in err
    assert "Traceback" not in err
