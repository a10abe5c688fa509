"""Bad curation input: one clear error per problem, naming file, record and field; all collected."""

from __future__ import annotations

import pytest

from belarus_china.cli import main
from belarus_china.pipeline import build
from belarus_china.problems import ProblemsFound

from conftest import snapshot

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
    return [str(p) for p in caught.value.problems]


def _one_named(problems, *words):
    matching = [p for p in problems if all(w in p for w in words)]
    assert matching, "no problem names " + repr(words) + ":\n" + "\n".join(problems)


CASES = [
    ("syntax error", lambda r: _edit(r, "quotes:\n", "quotes: [\n"), (DOC, "not valid YAML at line")),
    ("unknown field", lambda r: _edit(r, FIGURE, FIGURE + "    colour: red\n"),
     (DOC, "trade_figures[blr-chn-trade-2023q1-q3]", "colour", "unknown field")),
    ("wrong type", lambda r: _edit(r, "    change_pct: 83.6\n", "    change_pct: a lot\n"),
     (DOC, "trade_figures[blr-chn-trade-2023q1-q3]", "change_pct", "is not a number")),
    ("missing required field", lambda r: _edit(r, "    measure: total_trade\n", ""),
     (DOC, "trade_figures[blr-chn-trade-2023q1-q3]", "measure", "required")),
    ("duplicate id across files",
     lambda r: _edit(r, "quote_id: lukashenko-these-are-different-visits",
                     "quote_id: lukashenka-as-if-i-could-not-agree"),
     ("quotes[lukashenka-as-if-i-could-not-agree]", "duplicate id", "build/003")),
    ("excerpt not found", lambda r: _edit(r, 'excerpt: "Lukashenko told Xi on Monday"',
                                          'excerpt: "Lukashenko told Xi on Sunday"'),
     (DOC, "Lukashenko told Xi on Sunday", "not found in the document")),
    ("excerpt ambiguous", lambda r: _edit(r, 'excerpt: "Lukashenko told Xi on Monday"',
                                          'excerpt: "Lukashenko told Xi"'),
     (DOC, "'Lukashenko told Xi'", "occurs 2 times")),
    ("unknown actor", lambda r: _edit(r, "    speaker_id: alexander-lukashenko\n", "    speaker_id: a-lukashenko\n"),
     (DOC, "quotes[", "speaker_id", "'a-lukashenko' is not among actors.actor_id")),
    ("unparseable date", lambda r: _edit(r, "    period_end: 2023-09-30\n", "    period_end: 30/09/2023\n"),
     (DOC, "period_end", "is not a date of the form YYYY-MM-DD")),
    ("impossible date", lambda r: _edit(r, "    period_end: 2023-09-30\n", "    period_end: 2023-09-31\n"),
     (DOC, "period_end", "not a real calendar date")),
    ("unparseable amount", lambda r: _edit(r, '    value_as_reported: $6.45 billion\n',
                                           '    value_as_reported: 6.45 billion euros\n'),
     (DOC, "value_as_reported", "is not a dollar amount")),
    ("value disagrees with its words", lambda r: _edit(r, "    value: 6450000000\n", "    value: 6540000000\n"),
     (DOC, "trade_figures[blr-chn-trade-2023q1-q3]", "value", "says 6.45e+09")),
    ("change disagrees with its words", lambda r: _edit(r, "    change_pct: 83.6\n", "    change_pct: 38.6\n"),
     (DOC, "change_pct", "says 83.6")),
    ("period disagrees with its words", lambda r: _edit(r, "    period_end: 2023-09-30\n", "    period_end: 2023-12-31\n"),
     (DOC, "period_start", "means 2023-01-01 to 2023-09-30")),
    ("qualifier dropped", lambda r: _edit(r, '    value_qualifier: approximately\n    value_as_reported: around 43',
                                          '    value_qualifier: exact\n    value_as_reported: around 43'),
     (DOC, "value_qualifier", "'approximately'")),
    ("value outside an enumeration", lambda r: _edit(r, "    channel: official_readout\n", "    channel: rumour\n"),
     (DOC, "channel", "'rumour' is not one of")),
    ("quote text not in its evidence", lambda r: _edit(r, "text: \"These are different visits.",
                                                       "text: \"These were different visits."),
     (DOC, "quotes[lukashenko-these-are-different-visits]", "text", "not inside any")),
    ("computed field written by hand", lambda r: _edit(r, FIGURE, FIGURE + "    source_id: someone-else\n"),
     (DOC, "source_id", "filled in by the build")),
    ("record without evidence", lambda r: _edit(r, "quotes:\n", "quotes:\n  - quote_id: unsupported\n"
                                                "    text: words\n    speaker_id: xi-jinping\n    quote_kind: speech\n"
                                                "    channel: not_stated\n"),
     (DOC, "quotes[unsupported]", "evidence", "at least one verbatim excerpt")),
]


@pytest.mark.parametrize("name, edit, words", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_named(project, name, edit, words):
    edit(project)
    _one_named(_failures(project), *words)


def test_errors_are_collected_not_reported_one_per_run(project):
    _edit(project, "    change_pct: 83.6\n", "    change_pct: a lot\n")
    _edit(project, "    speaker_id: alexander-lukashenko\n", "    speaker_id: a-lukashenko\n")
    _edit(project, 'excerpt: "Arriving on February 28"', 'excerpt: "Arriving on February 31"',
          path="build/003_e34279620fbde07c.yaml")
    problems = _failures(project)
    _one_named(problems, "change_pct")
    _one_named(problems, "a-lukashenko")
    _one_named(problems, "February 31")


def test_the_cli_prints_them_without_a_traceback(project, capsys):
    _edit(project, "    change_pct: 83.6\n", "    change_pct: a lot\n")
    assert main(["build", "--root", str(project), "--no-frictionless"]) == 1
    err = capsys.readouterr().err
    assert "nothing was published" in err and "change_pct" in err and "Traceback" not in err
