"""Shared fixtures for the integration tests.

The artifact fixtures build the offline Apache mirror (scripts/build-mirror.sh, cached, so a
no-op when it is up to date) and unpack its tarballs. A missing mirror, Maven or Java is a
test FAILURE, never a skip: these tests exist to prove the artifacts are real and run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cluster  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BUILD_MIRROR = ROOT / "scripts" / "build-mirror.sh"


def pytest_report_header(config):
    v = cluster.read_versions()
    return "streamops mirror: Kafka %s (ZooKeeper mode) and %s (KRaft), Scala %s, ZooKeeper %s, cache %s" % (
        v.get("KAFKA_VERSION"), v.get("KAFKA4_VERSION"), v.get("KAFKA_SCALA_VERSION"),
        v.get("ZOOKEEPER_VERSION"), cluster.cache_dir())


@pytest.fixture(scope="session")
def mirror() -> Path:
    """$CACHE/mirror with all archives built (runs scripts/build-mirror.sh; cached)."""
    start = time.monotonic()
    proc = subprocess.run(["bash", str(BUILD_MIRROR)], cwd=str(ROOT), env=dict(os.environ),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=1800, check=False)
    if proc.returncode != 0:
        pytest.fail("scripts/build-mirror.sh failed (rc=%d) after %.0fs:\n%s"
                    % (proc.returncode, time.monotonic() - start, proc.stdout[-6000:]),
                    pytrace=False)
    kafka4 = cluster.read_versions()["KAFKA4_VERSION"]
    for kind, version in (("kafka", None), ("kafka", kafka4), ("zookeeper", None)):
        archive = cluster.mirror_archive(kind, version)[0]
        assert archive.is_file(), "build-mirror.sh succeeded but %s is missing" % archive
    return cluster.cache_dir() / "mirror"


@pytest.fixture(scope="session")
def zookeeper_home(mirror) -> Path:
    """Unpacked apache-zookeeper-<v>-bin from the mirror."""
    return cluster.ensure_unpacked("zookeeper")


@pytest.fixture(scope="session")
def kafka_home(mirror) -> Path:
    """Unpacked kafka_<scala>-<KAFKA_VERSION> (ZooKeeper mode) from the mirror."""
    return cluster.ensure_unpacked("kafka")


@pytest.fixture(scope="session")
def kafka4_home(mirror) -> Path:
    """Unpacked kafka_<scala>-<KAFKA4_VERSION> (Kafka 4.x, KRaft only) from the mirror."""
    return cluster.ensure_unpacked("kafka", cluster.read_versions()["KAFKA4_VERSION"])


@pytest.fixture
def zk_ensemble_factory(zookeeper_home, tmp_path):
    """factory(n=3, **kw) -> started ZooKeeperEnsemble in tmp_path; all stopped at teardown."""
    started = []

    def factory(n: int = 3, **kw) -> cluster.ZooKeeperEnsemble:
        kw.setdefault("base_dir", tmp_path / ("zk-%d" % len(started)))
        ens = cluster.ZooKeeperEnsemble(n, **kw)
        started.append(ens)
        ens.start()
        return ens

    yield factory
    for ens in reversed(started):
        ens.stop()


@pytest.fixture
def kafka_cluster_factory(kafka_home, zk_ensemble_factory, tmp_path):
    """factory(n, zk_connect, **kw) -> started KafkaCluster in tmp_path; stopped at teardown.

    Depends on zk_ensemble_factory so that brokers are always stopped before ZooKeeper
    (a broker's controlled shutdown needs ZooKeeper).
    """
    started = []

    def factory(n: int = 3, zk_connect: str = "", **kw) -> cluster.KafkaCluster:
        kw.setdefault("base_dir", tmp_path / ("kafka-%d" % len(started)))
        kc = cluster.KafkaCluster(n, zk_connect, **kw)
        started.append(kc)
        kc.start()
        return kc

    yield factory
    for kc in reversed(started):
        kc.stop()
