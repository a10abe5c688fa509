"""Bounded curation input: the YAML reader refuses what would expand or hide (quickly), the locator is
a plain string search under its documented rule, and no message repeats a huge value."""

from __future__ import annotations

import random
import re
import time

import pytest

from belarus_china.base.limits import MAX_MESSAGE_CHARS
from belarus_china.base.problems import Problem, ProblemsFound
from belarus_china.curate import locate as locator
from belarus_china.curate.yaml_reader import load_yaml
from belarus_china.pipeline import build

BOMB = ('a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
        + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 10))
        + "quotes: [*a9]\n")


def test_the_alias_bomb_is_refused_in_under_a_second(tmp_path):
    """About 1 KB that expands to 10^9 strings (the old reader: 47 s and 5.6 GB, then MemoryError)."""
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB, encoding="utf-8")
    assert len(BOMB) < 1200
    problems: list[Problem] = []
    started = time.perf_counter()
    assert load_yaml(path, problems, "build/bomb.yaml") is None
    assert time.perf_counter() - started < 1
    assert [p.code for p in problems] == ["yaml-alias"] and len(problems[0].message) < 200


def test_the_build_refuses_the_bomb_in_a_curation_file_quickly(project):
    (project / "build/002_c5e2ce6a28da5d25.yaml").write_text("raw_file: 002_c5e2ce6a28da5d25.txt\n" + BOMB,
                                                              encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(ProblemsFound) as caught:
        build(project, use_frictionless=False)
    assert time.perf_counter() - started < 30  # the whole build up to the curation step, not the bomb
    assert any(p.code == "yaml-alias" for p in caught.value.problems)


def _rule_as_a_pattern(text: str, excerpt: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """The documented rule as the old locator implemented it, with a pattern compiled from the excerpt."""
    found = []
    start = text.find(excerpt, lo, hi)
    while start != -1 and start + len(excerpt) <= hi:
        found.append((start, start + len(excerpt)))
        start = text.find(excerpt, start + 1, hi)
    if found:
        return found
    pattern = re.compile(r"\s+".join(re.escape(part) for part in re.split(r"\s+", excerpt)))
    position = lo
    while (match := pattern.search(text, position, hi)) is not None:
        found.append(match.span())
        position = match.start() + 1
    return found


def test_the_plain_search_finds_exactly_what_the_documented_rule_does():
    generator = random.Random(15)
    for alphabet in ("ab \n\xa0\t", "a \u2003b\x1c.", "xy  z\r\n"):
        for _ in range(20_000):
            text = "".join(generator.choice(alphabet) for _ in range(generator.randint(0, 24)))
            excerpt = "".join(generator.choice(alphabet) for _ in range(generator.randint(1, 7))).strip()
            if not excerpt:
                continue
            lo = generator.randint(0, len(text))
            hi = generator.randint(lo, len(text))
            assert locator._occurrences(text, excerpt, lo, hi, 10**6) == _rule_as_a_pattern(text, excerpt, lo, hi), \
                (text, excerpt, lo, hi)


def test_the_locator_compiles_no_pattern_of_the_excerpt(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the locator compiled a regular expression")

    for name in ("compile", "search", "match", "finditer", "split", "escape"):
        monkeypatch.setattr(re, name, refuse)
    text = "Lukashenko\xa0met   Xi in\nBeijing."
    assert locator.locate(text, "Lukashenko met Xi in Beijing") == (0, len(text) - 1)


def test_a_huge_or_repetitive_excerpt_costs_a_plain_search():
    """The worst cases for a search: a 5,000-character excerpt of one repeated word, against a text of
    1.5 million characters made of it, found nowhere verbatim (double spaces) or everywhere."""
    text = "a  " * 500_000
    for excerpt, code in (("a " * 2500 + "b", "excerpt-not-found"), ("a " * 2500, "excerpt-ambiguous")):
        started = time.perf_counter()
        with pytest.raises(locator.LocateError) as caught:
            locator.locate(text, excerpt)
        assert caught.value.code == code and time.perf_counter() - started < 5
    assert "at least 100 times" in str(caught.value)


def test_no_message_repeats_a_huge_value(project):
    """A value quoted in a message (records quote a malformed item whole) is cut at the limit."""
    path = project / "build/002_c5e2ce6a28da5d25.yaml"
    item = "[" + ", ".join(["lol"] * 5000) + "]"
    evidence = '      - excerpt: "Lukashenko told Xi on Monday"'
    text = path.read_text(encoding="utf-8").replace(evidence, f"      - {item}\n{evidence}", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProblemsFound) as caught:
        build(project, use_frictionless=False)
    long = [p for p in caught.value.problems if p.code == "evidence-item"]
    assert long and all(len(p.message) <= MAX_MESSAGE_CHARS + 40 for p in long)
    assert long[0].message.endswith("more characters)")
    assert len(Problem("evidence-item", "x" * 10**6).message) < MAX_MESSAGE_CHARS + 40
