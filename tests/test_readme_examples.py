"""The README's "Using the data" examples run as written: every Python block of that section (DuckDB
included), in order, in one interpreter, from an unrelated folder, against a regular (non-editable)
install of the wheel, so that they use the data the wheel carries and nothing of the checkout."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def using_the_data_blocks() -> list[tuple[str, str]]:
    """(language, code) of every fenced block in the section."""
    section = README.split("## Using the data\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```(\w+)\n(.*?)```", section, flags=re.DOTALL)


def test_the_section_has_the_examples_it_promises():
    blocks = using_the_data_blocks()
    python = "\n".join(code for language, code in blocks if language == "python")
    # every example in the section is Python (DuckDB through its Python API), except the shell commands
    assert {language for language, _ in blocks} <= {"python", "sh"}
    for helper in ("bc.load(", "bc.tables()", "bc.views()", "bc.describe(", "bc.parquet_path(", "bc.raw_text(",
                   "bc.context(", "duckdb.sql(", "pd.read_csv("):
        assert helper in python, helper
    for view in ("quotes_in_context", "timeline", "trade_figures_in_context"):
        assert f'"{view}"' in python


@pytest.fixture(scope="module")
def installed(installed_wheel):
    """The wheel installed into a folder of its own (conftest.py `installed_wheel`, shared with the serve test)."""
    return installed_wheel


def test_every_python_example_runs_from_an_unrelated_folder(installed, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = "\n\n".join(code for language, code in using_the_data_blocks() if language == "python")
    check = f"""
import sys
assert bc.__file__.startswith({str(installed)!r}), bc.__file__   # the installed copy, not the checkout
assert str(bc.parquet_path("claims")).startswith({str(installed)!r})
assert isinstance(quotes["speaker_ids"].iloc[0], list) and isinstance(in_context["excerpts"].iloc[0], list)
assert len(timeline) and len(figures) and "pandera" not in sys.modules
codes = visits_csv["cameo_code"].dropna()
assert len(codes) and codes.str.fullmatch("[0-9]{{3}}").all() and codes.str.startswith("0").all(), codes
assert visits_csv["cameo_code"].isna().tolist() == bc.load("visits")["cameo_code"].isna().tolist()
print("README examples ran")
"""
    script = elsewhere / "readme_examples.py"
    script.write_text(code + "\n" + check, encoding="utf-8")
    # the installed copy comes first on the path, ahead of the editable checkout
    env = {**os.environ, "PYTHONPATH": str(installed)}
    result = subprocess.run([sys.executable, str(script)], cwd=elsewhere, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip().endswith("README examples ran")
    assert "⟦" in result.stdout  # the context example printed its marked excerpt
    assert "agrees" in result.stdout and "spelling" in result.stdout  # the DuckDB results were shown
