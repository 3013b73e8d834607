"A job function for the job-runner tests, importable by spawned workers."
import os
from pathlib import Path


def square(job: dict) -> dict:
    "Fails for a job marked `fail`; counts its calls in the job's folder."
    calls = Path(job["out"]) / "calls"
    calls.write_text(str(int(calls.read_text()) + 1 if calls.exists() else 1))
    if job.get("fail"):
        raise ValueError(f"planted failure in {job['name']}")
    return dict(x=job["x"] ** 2, pid=os.getpid())
