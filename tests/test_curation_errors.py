"""Bad curation input: one clear error per problem, naming file, record and field; all collected."""

from __future__ import annotations

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
    ("unknown actor", lambda r: _edit(r, "    speaker_id: alexander-lukashenko\n", "    speaker_id: a-lukashenko\n"),
     "foreign-key", (DOC, "quotes[", "speaker_id", "'a-lukashenko'")),
    ("unparseable date", lambda r: _edit(r, "    period_end: 2023-09-30\n", "    period_end: 30/09/2023\n"),
     "value-unparseable", (DOC, FIGURE_ID, "period_end")),
    ("impossible date", lambda r: _edit(r, "    period_end: 2023-09-30\n", "    period_end: 2023-09-31\n"),
     "value-unparseable", (DOC, FIGURE_ID, "period_end")),
    ("unparseable amount", lambda r: _edit(r, '    value_as_reported: $6.45 billion\n',
                                           '    value_as_reported: 6.45 billion euros\n'), "words-unparseable",
     (DOC, FIGURE_ID, "value_as_reported")),
    ("value disagrees with its words", lambda r: _edit(r, "    value: 6450000000\n", "    value: 6540000000\n"),
     "words-mismatch", (DOC, FIGURE_ID, "value", "says 6.45e+09")),
    ("change disagrees with its words", lambda r: _edit(r, "    change_pct: 83.6\n", "    change_pct: 38.6\n"),
     "words-mismatch", (DOC, FIGURE_ID, "change_pct")),
    ("period disagrees with its words", lambda r: _edit(r, "    period_end: 2023-09-30\n", "    period_end: 2023-12-31\n"),
     "words-mismatch", (DOC, FIGURE_ID, "period_start", "2023-01-01 to 2023-09-30")),
    ("qualifier dropped", lambda r: _edit(r, '    value_qualifier: approximately\n    value_as_reported: around 43',
                                          '    value_qualifier: exact\n    value_as_reported: around 43'),
     "words-mismatch", (DOC, "value_qualifier", "'approximately'")),
    ("value outside an enumeration", lambda r: _edit(r, "    channel: official_readout\n", "    channel: rumour\n"),
     "enum", (DOC, "quotes[lukashenko-reliable-partner-for-china]", "channel", "'rumour'")),
    ("quote text not in its evidence", lambda r: _edit(r, "text: \"These are different visits.",
                                                       "text: \"These were different visits."),
     "quote-outside-excerpt", (DOC, "quotes[lukashenko-these-are-different-visits]", "text")),
    ("computed field written by hand", lambda r: _edit(r, FIGURE, FIGURE + "    source_id: someone-else\n"),
     "computed-field", (DOC, FIGURE_ID, "source_id")),
    ("record without evidence", lambda r: _edit(r, "quotes:\n", "quotes:\n  - quote_id: unsupported\n"
                                                "    text: words\n    speaker_id: xi-jinping\n    quote_kind: speech\n"
                                                "    channel: not_stated\n"),
     "no-evidence", (DOC, "quotes[unsupported]")),
]


@pytest.mark.parametrize("name, edit, code, where", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_named(project, name, edit, code, where):
    edit(project)
    _one_named(_failures(project), code, *where)


def test_errors_are_collected_not_reported_one_per_run(project):
    _edit(project, "    change_pct: 83.6\n", "    change_pct: a lot\n")
    _edit(project, "    speaker_id: alexander-lukashenko\n", "    speaker_id: a-lukashenko\n")
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
