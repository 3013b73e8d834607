"""The shared job runner across worker processes: results in job order, dependencies respected, a failure named, and
a rerun that trains only what had not finished."""
from pathlib import Path

import pytest

from ckpt_study.core import read_json
from ckpt_study.jobs import JobFailed, run_jobs

from _jobs_fn import square


def grid(tmp: Path) -> list[dict]:
    return [dict(name=f"j{i}", out=str(tmp / f"j{i}"), x=i, after="j0" if i else None) for i in range(4)]


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
    (tmp_path / "j2").mkdir()
    (tmp_path / "j2" / "FAIL").touch()
    with pytest.raises(JobFailed, match=r"job j2 failed: ValueError: planted failure in j2 \(log: .*j2/job.log\)"):
        run_jobs(square, grid(tmp_path), workers=2)
    (tmp_path / "j2" / "FAIL").unlink()
    assert not (tmp_path / "j2" / "result.json").exists()
    done_before = {n for n in calls(tmp_path) if (tmp_path / n / "result.json").exists()}
    assert "j0" in done_before
    res = run_jobs(square, grid(tmp_path), workers=2)                  # fixed: only what had not finished runs
    assert [r["x"] for r in res] == [0, 1, 4, 9]
    assert all(calls(tmp_path)[n] == 1 for n in done_before) and calls(tmp_path)["j2"] == 2


def test_a_changed_job_is_refused_not_answered_with_an_old_result(tmp_path):
    run_jobs(square, grid(tmp_path))
    changed = [dict(j, x=j["x"] + 10) for j in grid(tmp_path)]
    with pytest.raises(JobFailed, match=r"recorded with other settings \(x\)"):
        run_jobs(square, changed)


def test_ctrl_c_stops_the_workers_at_once(tmp_path):
    """Ctrl-C (or a failure) used to wait for every queued job to run before it took effect."""
    import signal, subprocess, sys, time
    code = ("import sys; sys.path.insert(0, sys.argv[2]); from pathlib import Path; from ckpt_study.jobs import run_jobs; "
            "from _jobs_fn import sleepy; t = Path(sys.argv[1]); "
            "run_jobs(sleepy, [dict(name=f's{i}', out=str(t / f's{i}'), secs=60) for i in range(6)], workers=2)")
    p = subprocess.Popen([sys.executable, "-c", code, str(tmp_path), str(Path(__file__).parent)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    for _ in range(300):                                   # until both workers have started a job
        if len(list(tmp_path.glob("s*/job.json"))) >= 2: break
        time.sleep(0.1)
    time.sleep(1)
    t0 = time.time()
    p.send_signal(signal.SIGINT)
    p.wait(timeout=30)
    assert time.time() - t0 < 15 and p.returncode != 0
    assert len(list(tmp_path.glob("s*/job.json"))) == 2 and not list(tmp_path.glob("s*/result.json"))
