"""Keep writing to ZooKeeper through kazoo and record how long writes fail.

Usage: kazoo_writer.py HOSTS OUT_JSON STOP_FILE MAX_SECONDS
Writes a counter to /streamops/rolling every 100 ms until STOP_FILE exists (or MAX_SECONDS pass),
then writes {"ok": n, "failed": n, "longest_outage_s": s, "session_timeout_s": s} to OUT_JSON.
"""

import json
import os
import sys
import time

from kazoo.client import KazooClient
from kazoo.retry import KazooRetry

SESSION_TIMEOUT = 10.0


def main():
    hosts, out, stop_file, max_seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    zk = KazooClient(hosts=hosts, timeout=SESSION_TIMEOUT,
                     connection_retry=KazooRetry(max_tries=-1, delay=0.2, max_delay=1))
    zk.start(timeout=30)
    zk.ensure_path("/streamops/rolling")
    ok = failed = 0
    outage_start = None
    longest = 0.0
    errors = []
    deadline = time.monotonic() + max_seconds
    while not os.path.exists(stop_file) and time.monotonic() < deadline:
        try:
            zk.set("/streamops/rolling", str(ok).encode())
            ok += 1
            if outage_start is not None:
                longest = max(longest, time.monotonic() - outage_start)
                outage_start = None
        except Exception as exc:  # any failed write counts
            failed += 1
            if len(errors) < 20:
                errors.append(type(exc).__name__)
            if outage_start is None:
                outage_start = time.monotonic()
        time.sleep(0.1)
    if outage_start is not None:
        longest = max(longest, time.monotonic() - outage_start)
    zk.stop()
    with open(out, "w") as fh:
        json.dump({"ok": ok, "failed": failed, "longest_outage_s": round(longest, 3),
                   "session_timeout_s": SESSION_TIMEOUT, "errors": errors}, fh)


if __name__ == "__main__":
    main()
