"""The README's promises stay true: its commands are what CI runs, its numbers are the tests' numbers."""

from __future__ import annotations

import re

import test_crash_safety
import test_curation_errors
import test_fault_injection
import test_fuzz
import test_untrusted
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


def _reliability() -> str:
    return README.split("## Reliability", 1)[1].split("\n## ", 1)[0]


def test_the_round_two_guarantees_match_the_tests():
    section = _reliability()
    assert f"**{len(test_untrusted.FOLDER_ATTACKS)} attacks on a package folder**" in section
    assert f"**{len(test_untrusted.ZIP_ATTACKS)} kinds of zip**" in section
    assert f"**{test_crash_safety.CRASH_POINTS} file operations**" in section
    fuzz_tests = [n for n in dir(test_fuzz) if n.startswith("test_")]
    assert f"**{len(fuzz_tests)} fuzz tests**" in section
    examples = test_fuzz.EXAMPLES
    assert (f"{examples['descriptors']} mutated descriptors, {examples['zips']} mutated zips and "
            f"{examples['curation']}\n  mutated curation files") in section
    assert f"within\n  {test_fuzz.SECONDS_PER_EXAMPLE} s and all within {test_fuzz.MEMORY_GROWTH_MB} MB" in section
    assert "under a second and 200 MB" in section  # the bounds test_untrusted asserts on the zip bombs
    for tested in ("tests/test_untrusted.py", "tests/test_crash_safety.py", "tests/test_fuzz.py",
                   "tests/test_bounded_curation.py",
                   "tests/test_sqlite_serve.py", "src/belarus_china/base/journal.py"):
        assert f"`{tested}`" in section and (ROOT / tested).is_file()


def test_the_readme_lists_every_limit_with_its_value():
    from belarus_china.base import limits

    table = _reliability().split("| limit | value |\n|---|---|\n", 1)[1].split("\n\n", 1)[0]
    assert table.splitlines() == [f"| {label} | {value} |" for label, value in limits.DOCUMENTED.items()]
    assert limits.size_text(limits.MAX_DESCRIPTOR_BYTES) == "8 MiB"  # the table's units are the constants' own


# The examples of "Using the data" (DuckDB included) run from a wheel install: tests/test_readme_examples.py


def test_the_readme_counts_the_documents_the_package_has(built_package):
    from belarus_china.loader import load

    assert f"**{len(load('sources', built_package))} source documents**" in README


def test_the_readme_gdelt_join_runs_and_matches_a_visit_from_both_sides(monkeypatch):
    """The event-data example: made-up GDELT rows meet the visits on the two countries, the CAMEO code
    (the guest's, or the host's with the actors reversed) and a day inside the visit's window."""
    import belarus_china as bc

    block = re.search(r"Joining with event data.*?```python\n(.+?)```", README, flags=re.DOTALL).group(1)
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    exec(block, namespace)
    rows = [(r["GLOBALEVENTID"], r["EventCode"], r["visit_id"]) for r in namespace["matches"].to_dict("records")]
    assert rows == [(1, "042", "lukashenko-china-2023-02-28"), (2, "043", "lukashenko-china-2023-02-28"),
                    (3, "042", "lukashenko-china-2023-second-trip")]  # event 4 (RUS to BLR) meets no visit
    visits = bc.load("visits", package=ROOT).set_index("visit_id")
    assert visits.loc["lukashenko-china-2023-02-28", "cameo_host_code"] == "043"
    assert "# events 1 and 2: lukashenko-china-2023-02-28 (guest's and host's side); 3: the second trip; 4: no visit" in block
