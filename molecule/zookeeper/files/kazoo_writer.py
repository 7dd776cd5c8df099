"""Keep writing to ZooKeeper through kazoo and record how long writes fail.

Usage: kazoo_writer.py HOSTS OUT_JSON STOP_FILE MAX_SECONDS
Writes a counter to /streamops/rolling every 100 ms. Once connected and the first write
succeeded it creates OUT_JSON + ".ready" (what the side effect waits for instead of sleeping).
When STOP_FILE exists it stops at the next successful write, so an outage still under way is
measured to its end rather than cut off (MAX_SECONDS bounds the whole run). Then it writes
{"ok": n, "failed": n, "longest_outage_s": s, "session_timeout_s": s, "server_versions": {...}}
to OUT_JSON; server_versions counts the writes acknowledged by each ZooKeeper version the client
was connected to (from the server's "srvr" answer on every new connection).
"""

import json
import os
import socket
import sys
import time

from kazoo.client import KazooClient, KazooState
from kazoo.retry import KazooRetry

SESSION_TIMEOUT = 10.0


def server_version(address):
    """'3.9.5' from the 'Zookeeper version: 3.9.5-<sha>, built on ...' line of srvr, or None."""
    try:
        with socket.create_connection(address, timeout=2) as sock:
            sock.sendall(b"srvr")
            text = sock.makefile().read()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("Zookeeper version:"):
            return line.split(":", 1)[1].strip().split("-", 1)[0]
    return None


def connected_version(zk):
    """Version of the server the client is connected to now (kazoo keeps its socket private)."""
    try:
        return server_version(zk._connection._socket.getpeername()[:2])  # pylint: disable=protected-access
    except (AttributeError, OSError):
        return None


def main():
    hosts, out, stop_file, max_seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    zk = KazooClient(hosts=hosts, timeout=SESSION_TIMEOUT,
                     connection_retry=KazooRetry(max_tries=-1, delay=0.2, max_delay=1))
    reconnected = []
    zk.add_listener(lambda state: reconnected.append(True) if state == KazooState.CONNECTED else None)
    zk.start(timeout=30)
    zk.ensure_path("/streamops/rolling")
    ok = failed = 0
    outage_start = None
    longest = 0.0
    errors = []
    versions = {}
    version = None
    deadline = time.monotonic() + max_seconds
    while time.monotonic() < deadline:
        stopping = os.path.exists(stop_file)
        try:
            zk.set("/streamops/rolling", str(ok).encode())
            ok += 1
            if version is None or reconnected:
                del reconnected[:]
                version = connected_version(zk)
            versions[version or "unknown"] = versions.get(version or "unknown", 0) + 1
            if outage_start is not None:
                longest = max(longest, time.monotonic() - outage_start)
                outage_start = None
            if ok == 1:
                open(out + ".ready", "w").close()
            if stopping:
                break
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
                   "session_timeout_s": SESSION_TIMEOUT, "errors": errors,
                   "server_versions": versions}, fh)


if __name__ == "__main__":
    main()
