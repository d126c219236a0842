"""A short run of the load test (the full 32 clients x 60 s run is in the README)."""

import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def test_short_load_run_serves_everyone_correctly(tmp_path):
    spec = importlib.util.spec_from_file_location("load", ROOT / "benchmarks" / "load.py")
    load = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(load)
    report = load.main(["--clients", "8", "--seconds", "10", "--burst", "200", "--index", str(tmp_path / "index"),
                        "--json", str(tmp_path / "load.json")])
    assert report["sustained"]["errors"] == 0 and report["sustained"]["served"] > 0
    assert report["burst"]["errors"] == 0 and report["burst"]["served"] == 200
    assert report["burst"]["answers_differing_from_single_user"] == 0
    assert report["rss_growth"] <= 0.10
