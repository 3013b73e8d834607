"A job function for the job-runner tests, importable by spawned workers."
import os
from pathlib import Path


def square(job: dict) -> dict:
    "Fails while the job's folder holds a file FAIL; counts its calls in the job's folder."
    out = Path(job["out"])
    calls, tmp = out / "calls", out / "calls.tmp"
    tmp.write_text(str(int(calls.read_text()) + 1 if calls.exists() else 1))
    os.replace(tmp, calls)                    # atomic: a worker stopped mid-write must not leave an empty count
    if (out / "FAIL").exists():
        raise ValueError(f"planted failure in {job['name']}")
    return dict(x=job["x"] ** 2, pid=os.getpid())


def sleepy(job: dict) -> dict:
    "Sleeps `secs` seconds: a long job to interrupt."
    import time
    time.sleep(job["secs"])
    return dict(slept=job["secs"])
