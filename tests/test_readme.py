"""The README's promises stay true: its commands are what CI runs, its numbers are the tests' numbers."""

from __future__ import annotations

import re

import test_curation_errors
import test_fault_injection
from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _quick_start_commands():
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_test_one():
    build_command, test_command = _quick_start_commands()
    assert "belarus-china build" in build_command and "pytest" in test_command
    assert test_command in (ROOT / ".ci/run").read_text(encoding="utf-8")


def test_reliability_numbers_match_the_tests_and_the_catalogue():
    from belarus_china.base.problems import CATALOGUE

    assert f"**{len(CATALOGUE)} problem codes**" in README
    assert f"**{len(test_fault_injection.CORRUPTIONS)} corruption kinds**" in README
    assert f"**{len(test_curation_errors.CASES)} kinds of bad curation input**" in README
    # test_normalise_properties.py, the EDTF property (test_dates.py), the locator property, the round-trip
    # property, the viewer's overlap property
    property_tests = 8 + 1 + 1 + 1 + 1
    import test_normalise_properties
    assert len([n for n in dir(test_normalise_properties) if n.startswith("test_")]) == 8
    assert f"**{property_tests} property tests**" in README


# The examples of "Using the data" (DuckDB included) run from a wheel install: tests/test_readme_examples.py
