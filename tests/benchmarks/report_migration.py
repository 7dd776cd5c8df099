"""Print the figures molecule/migration's side effect recorded (side_effect.json): each nested run
(migration phases, rollback, upgrades, idempotent re-runs) with its duration, and each producer
run (tests/load/kafka_load.py) with acked / lost / duplicates / longest stall / offline time.

  python tests/benchmarks/report_migration.py [side_effect.json]   (default: the newest molecule run's)
"""
from __future__ import annotations

import glob
import json
import os
import sys


def newest() -> str:
    found = glob.glob(os.path.expanduser("~/.ansible/tmp/molecule.*.migration/side_effect.json"))
    if not found:
        sys.exit("no side_effect.json of molecule/migration found: run `molecule converge/side_effect -s migration` first")
    return max(found, key=os.path.getmtime)


def main() -> int:
    path = sys.argv[1] if len(sys.argv) > 1 else newest()
    with open(path, encoding="utf-8") as handle:
        side = json.load(handle)
    print("migration scenario (%s)" % path)
    print("  %-58s %8s  %s" % ("step", "seconds", "result"))
    for run in side["runs"]:
        result = "ok" if run["rc"] == 0 else "refused (rc %d)" % run["rc"]
        if run["changed_hosts"]:
            result += ", changed " + ",".join(run["changed_hosts"])
        elif run["rc"] == 0:
            result += ", changed nothing"
        print("  %-58s %8.1f  %s" % (run["name"][:58], run["seconds"], result))
    rates = sorted({str(load["report"].get("rate")) for load in side["loads"]})
    header = ("under load (acks=all, %s/s)" % "/".join(rates), "acked", "lost", "dupl", "stall max ms", "offline ms")
    print("  %-34s %8s %5s %5s %12s %11s" % header)
    for load in side["loads"]:
        report = load["report"]
        figures = (load["name"], report["acked"], report["lost"], report["duplicates"], report["longest_stall_ms"],
                   report.get("offline_ms_total", 0))
        print("  %-34s %8d %5d %5d %12d %11d" % figures)
        print("    during: %s" % ", ".join(load["steps"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
