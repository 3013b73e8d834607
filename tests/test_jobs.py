"""The shared job runner across worker processes: results in job order, dependencies respected, a failure named, and
a rerun that trains only what had not finished."""
from pathlib import Path

import pytest

from ckpt_study.core import read_json
from ckpt_study.jobs import JobFailed, run_jobs

from _jobs_fn import square


def grid(tmp: Path, fail: str | None = None) -> list[dict]:
    jobs = [dict(name=f"j{i}", out=str(tmp / f"j{i}"), x=i, after="j0" if i else None) for i in range(4)]
    for j in jobs:
        j["fail"] = j["name"] == fail
    return jobs


def calls(tmp: Path) -> dict:
    return {p.name: int((p / "calls").read_text()) for p in sorted(tmp.iterdir()) if (p / "calls").exists()}


def test_workers_run_the_grid_and_a_rerun_skips_it(tmp_path):
    res = run_jobs(square, grid(tmp_path), workers=2)
    assert [r["x"] for r in res] == [0, 1, 4, 9]
    assert len({r["pid"] for r in res}) >= 1 and all(r["pid"] for r in res)
    assert read_json(tmp_path / "j3" / "result.json")["x"] == 9
    assert run_jobs(square, grid(tmp_path), workers=2) == res          # every job finished: nothing runs again
    assert calls(tmp_path) == {f"j{i}": 1 for i in range(4)}


def test_a_failed_job_is_named_and_the_rest_resume(tmp_path):
    with pytest.raises(JobFailed, match=r"job j2 failed: ValueError: planted failure in j2 \(log: .*j2/job.log\)"):
        run_jobs(square, grid(tmp_path, fail="j2"), workers=2)
    assert not (tmp_path / "j2" / "result.json").exists()
    done_before = {n for n in calls(tmp_path) if (tmp_path / n / "result.json").exists()}
    assert "j0" in done_before
    res = run_jobs(square, grid(tmp_path), workers=2)                  # fixed: only what had not finished runs
    assert [r["x"] for r in res] == [0, 1, 4, 9]
    assert all(calls(tmp_path)[n] == 1 for n in done_before) and calls(tmp_path)["j2"] == 2
