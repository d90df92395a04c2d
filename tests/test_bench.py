"""`make bench` keeps working as the pages change: a small run on SQLite."""

from __future__ import annotations

import importlib.util
import json
import sys

from crm import PROJECT_ROOT


def _bench_module():
    spec = importlib.util.spec_from_file_location("bench", PROJECT_ROOT / "scripts" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_bench_measures_every_page_and_writes_the_figures(tmp_path):
    bench = _bench_module()
    output = tmp_path / "bench.json"

    status = bench.main(
        ["--sizes", "200", "--databases", "sqlite", "--runs", "1", "--warmups", "0", "--output", str(output)]
    )

    report = json.loads(output.read_text())
    assert status == 0, report["errors"]
    assert [r["page"] for r in report["results"]] == [page.name for page in bench.PAGES]
    assert all(r["median_ms"] > 0 and r["queries"] > 0 for r in report["results"])
    rows = report["loads"][0]["rows"]
    assert (rows["organisations"], rows["contacts"], rows["meetings"], rows["meeting_organisations"]) == (
        200,
        600,
        200,
        200,
    )
    assert rows["meeting_series"] == 3 and rows["series_members"] == 17  # five each, and the partner on two
    assert (rows["users"], rows["actions"]) == (6, 200) and rows["action_requests"] > 0
    export = next(r for r in report["results"] if r["page"] == "actions CSV, all")
    assert export["found"] == 200 and export["peak_kib"] > 0


def test_bench_pages_option_picks_pages_by_name():
    bench = _bench_module()

    args = bench.parse_args(["--pages", "actions search,dashboard"])

    names = [page.name for page in args.pages]
    assert names and all("actions search" in name or "dashboard" in name for name in names)
    assert "dashboard, partner" in names and "organisations" not in names


def test_bench_fails_on_a_page_that_does_not_answer_200(tmp_path, monkeypatch):
    bench = _bench_module()
    monkeypatch.setattr(bench, "PAGES", [bench.Page("missing", "/organisations/999999")])
    output = tmp_path / "bench.json"

    status = bench.main(
        ["--sizes", "200", "--databases", "sqlite", "--runs", "1", "--warmups", "0", "--output", str(output)]
    )

    report = json.loads(output.read_text())
    assert status == 1
    assert "answered 404, not 200" in report["results"][0]["error"]


def test_minutes_bench_times_the_request_against_the_bare_render(tmp_path):
    spec = importlib.util.spec_from_file_location("bench_minutes", PROJECT_ROOT / "scripts" / "bench_minutes.py")
    sys.path.insert(0, str(PROJECT_ROOT / "scripts"))
    try:
        bench_minutes = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(bench_minutes)
    finally:
        sys.path.remove(str(PROJECT_ROOT / "scripts"))
    output = tmp_path / "bench-minutes.json"

    status = bench_minutes.main(
        ["--databases", "sqlite", "--runs", "1", "--meetings", "typical", "--output", str(output)]
    )

    assert status == 0
    (result,) = json.loads(output.read_text())["results"]
    assert (result["meeting"], result["items"], result["attendees"], result["actions"]) == ("typical", 10, 25, 30)
    assert result["request_s"] > 0 and result["bare_s"] > 0 and result["pages"] >= 2
    assert result["queries"] > 0
