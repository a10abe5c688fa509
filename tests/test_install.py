"""A regular (non-editable) install carries the data: load() works offline from any folder."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT


def test_wheel_install_loads_from_an_unrelated_folder(tmp_path):
    wheels, target, elsewhere = tmp_path / "wheels", tmp_path / "site", tmp_path / "elsewhere"
    elsewhere.mkdir()
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(wheels), str(ROOT)], check=True)
    (wheel,) = wheels.glob("belarus_china-*.whl")
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True)
    # The installed copy comes first on the path, ahead of the editable checkout.
    env = {**os.environ, "PYTHONPATH": str(target)}
    code = ("import belarus_china as bc, pathlib, sys; "
            "assert str(bc.datapackage_path()).startswith(sys.argv[1]), bc.datapackage_path(); "
            "v = bc.load('visits'); print(len(v), v['start_date'].dtype); "
            "assert 'pandera' not in sys.modules and 'frictionless' not in sys.modules and 'duckdb' not in sys.modules")
    result = subprocess.run([sys.executable, "-c", code, str(target)], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    rows, dtype = result.stdout.split()
    assert int(rows) > 0 and dtype == "datetime64[ns]"
    help_run = subprocess.run([sys.executable, "-m", "belarus_china.cli", "--help"], cwd=elsewhere, env=env,
                              capture_output=True, text=True)
    assert help_run.returncode == 0 and "build" in help_run.stdout
