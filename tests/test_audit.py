"""Coverage audit: candidates found, classified, and an uncovered one fails the build."""

from __future__ import annotations

import pytest
from conftest import snapshot

from belarus_china.base.problems import ProblemsFound
from belarus_china.curate.audit import classify, scan
from belarus_china.pipeline import build

TEXT = ("President Anna Petrova said “we will sign” on Monday. Exports rose 12.5 percent to $2 billion "
        "in 2021, and 14 memoranda were signed. It may rain; China’s ‘peace plan’ was <a data-t=\"00:01:02\">x</a>.")


def _kinds(text):
    return [(c.kind, c.text) for c in scan("doc.txt", text)]


def test_scan_finds_every_kind_and_skips_markup_and_apostrophes():
    found = _kinds(TEXT)
    assert ("person_name", "Anna Petrova") in found
    assert ("quotation", "we will sign") in found
    assert ("quotation", "peace plan") in found
    assert ("date", "on Monday") in found and ("date", "2021") in found
    assert ("percentage", "12.5 percent") in found
    assert ("money", "$2 billion") in found
    assert ("count", "14 memoranda") in found
    assert not any(text in ("may", "00:01:02", "s’ ‘peace plan") for _, text in found)
    assert not any(kind == "quotation" and "00:01" in text for kind, text in found)


def test_classify_covered_dismissed_uncovered():
    candidates = scan("doc.txt", TEXT)
    money = next(c for c in candidates if c.kind == "money")
    quote = next(c for c in candidates if c.kind == "quotation" and c.text == "peace plan")
    result = {(c.kind, c.text): c for c in classify(candidates, [(money.start - 5, money.end + 1)],
                                                    [(quote.start - 1, quote.end + 1, "scare quotes")],
                                                    {"Anna Petrova"})}
    assert result[("money", "$2 billion")].status == "covered"
    assert result[("quotation", "peace plan")].status == "dismissed"
    assert result[("quotation", "peace plan")].reason == "scare quotes"
    assert result[("person_name", "Anna Petrova")].status == "covered"
    assert result[("count", "14 memoranda")].status == "uncovered"


def test_build_fails_while_a_candidate_is_uncovered(project):
    path = project / "build/003_e34279620fbde07c.yaml"
    text = path.read_text(encoding="utf-8")
    dismissal = '  - excerpt: "In 2015, Minsk announced the completion'
    assert dismissal in text
    path.write_text(text.replace(dismissal, '  - excerpt: "In 2015X, Minsk announced the completion', 1)
                    .replace("In 2015X, Minsk announced", "Minsk announced"), encoding="utf-8")
    before = snapshot(project)
    with pytest.raises(ProblemsFound) as caught:
        build(project, use_frictionless=False)
    assert caught.value.step == "coverage audit"
    assert any("raw/003_e34279620fbde07c.txt" in str(p) and "'2015'" in str(p) for p in caught.value.problems)
    assert snapshot(project) == before
