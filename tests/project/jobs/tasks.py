"""Jobs that exist only for the worker tests (workers import them by path)."""

import os
import time
from pathlib import Path

from django_tasks import task


@task()
def echo(text: str) -> str:
    """Return the text: a job that finishes at once."""
    return text


@task()
def block_until_released(folder: str) -> int:
    """Log a start, wait for ``folder/release``, log the end; returns the pid.

    Every run appends to ``folder/runs.log``, so a test can count how often
    the job started and finished across worker processes.
    """
    root = Path(folder)
    log = root / "runs.log"
    with log.open("a") as out:
        out.write(f"start {os.getpid()}\n")
    deadline = time.monotonic() + 60
    while not (root / "release").exists():
        if time.monotonic() > deadline:
            raise TimeoutError("nobody released the job")
        time.sleep(0.05)
    with log.open("a") as out:
        out.write(f"done {os.getpid()}\n")
    return os.getpid()
