"""Run a netdesk command and read its peak memory, for the tests of huge files."""

from __future__ import annotations

import json
import os
import subprocess
import sys

# The measuring happens in a fresh Python whose only child is NetDesk: RUSAGE_CHILDREN's peak
# is then NetDesk's own, not that of whatever else this test session started.
_MEASURE = r"""
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"rc": done.returncode, "out": done.stdout, "err": done.stderr, "kb": peak_kb}))
"""


def netdesk_peak(
    *args: str, timeout: float = 120
) -> tuple[subprocess.CompletedProcess[str], float]:
    """`netdesk ARGS` as a process of its own: its outcome, and its peak RSS in MB."""
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    raw = subprocess.run(
        [sys.executable, "-c", _MEASURE, sys.executable, "-m", "netdesk", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=True,
    )
    found = json.loads(raw.stdout)
    done = subprocess.CompletedProcess(args, found["rc"], found["out"], found["err"])
    return done, found["kb"] / 1024
