"""streamops.kafka.kafka_feature against a real KRaft cluster on 127.0.0.1, and its table against Kafka's.

One single-node KraftCluster (tests/integration/cluster.py: Kafka KAFKA4_VERSION from the mirror,
broker + controller, formatted with ``--release-version 4.0``, so metadata.version starts at
4.0-IV3 (25) below the release's own) is shared by the cluster tests of this file, which run in
order: they read it, dry-run, refuse, raise it to 4.1, refuse a downgrade, raise it to latest and
re-run. The module runs for real, in ansible-playbook processes (ansible_runner.py); what it
reports is checked against kafka-python's describe_features straight from the broker.

The metadata.version table of plugins/module_utils/_kafka_feature.py is checked against the
mirror's Kafka 4.3.1 FeatureCommand (the class kafka-features.sh runs), ``version-mapping``.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from typing import Any, Iterator

import pytest

from ansible_runner import PlayResult, failed, ok, run_module
from cluster import KraftCluster, java_bin


def _feature_util() -> Any:
    """plugins/module_utils/_kafka_feature.py, loaded from its file (it imports nothing of the collection)."""
    path = Path(__file__).resolve().parents[2] / "plugins" / "module_utils" / "_kafka_feature.py"
    spec = importlib.util.spec_from_file_location("streamops_kafka_feature_util", path)
    assert spec and spec.loader
    util = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(util)
    return util


METADATA_VERSIONS = _feature_util().METADATA_VERSIONS

FEATURE = "streamops.kafka.kafka_feature"
MV = "metadata.version"
FEATURE_COMMAND = "org.apache.kafka.tools.FeatureCommand"


@pytest.fixture(scope="module")
def kraft(kafka4_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KraftCluster]:
    """One combined node formatted at metadata.version 4.0 (kafka4_home of conftest.py builds the mirror)."""
    assert kafka4_home.is_dir()
    with KraftCluster(1, tmp_path_factory.mktemp("kraft-feature"), release_version="4.0") as kc:
        kc.wait_quorum(90)
        yield kc


def feature(kc: KraftCluster, check: bool = False, **options: Any) -> tuple[PlayResult, dict[str, Any]]:
    options.setdefault("bootstrap_servers", kc.addresses)
    return run_module(FEATURE, options, check=check, diff=True)


def broker_view(kc: KraftCluster) -> dict[str, Any]:
    """The broker's own ApiVersions answer: {"supported": (min, max), "finalized": (min, max), ...}."""
    with closing(kc.admin_client()) as admin:
        return admin.describe_features()[MV]


# -- the table against Kafka 4.3.1's own mapping -------------------------------------------------

def feature_command(home: Path, *args: str) -> str:
    proc = subprocess.run([java_bin(), "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", "%s/libs/*" % home,
                           FEATURE_COMMAND, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=120, check=False)
    return proc.stdout


def test_table_matches_kafka_feature_command(kafka4_home: Path) -> None:
    # an unknown release makes FeatureCommand list every metadata.version it knows, in level order
    listing = feature_command(kafka4_home, "version-mapping", "--release-version", "0.0")
    known = re.search(r"Supported metadata.version are: (.*)", listing)
    assert known, listing
    names = [name.strip() for name in known.group(1).split(",")]
    table = {name: level for level, name, _production in METADATA_VERSIONS}
    assert names == [name for _level, name, _production in METADATA_VERSIONS if _level >= table[names[0]]]

    # every release's metadata.version level (its newest production level) as FeatureCommand maps it
    releases = sorted({name.split("-")[0] for _level, name, production in METADATA_VERSIONS
                       if production and _level >= table[names[0]]})
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = dict(zip(releases, pool.map(
            lambda release: feature_command(kafka4_home, "version-mapping", "--release-version", release), releases)))
    for release, out in answers.items():
        level = re.search(r"^metadata.version=(\d+) \(%s\)$" % re.escape(release), out, re.M)
        assert level, (release, out)
        newest = max(lvl for lvl, name, production in METADATA_VERSIONS if production and name.startswith(release + "-"))
        assert int(level.group(1)) == newest, (release, out)
    # and the named levels on both ends
    for name in (names[0], "4.1-IV1", names[-1]):
        out = feature_command(kafka4_home, "version-mapping", "--release-version", name)
        assert "metadata.version=%d (%s)" % (table[name], name) in out, out


# -- the module against the cluster, in order -----------------------------------------------------

def test_describe(kraft: KraftCluster) -> None:
    play, res = feature(kraft)
    ok(play, res)
    assert res["changed"] is False
    assert (res["finalized_level"], res["finalized_version"]) == (25, "4.0-IV3")
    assert res["previous_level"] == 25 and res["target_level"] is None
    view = broker_view(kraft)
    assert view["finalized"] == (25, 25)
    # one node: what every node supports is what this broker supports (4.3.1: up to 4.3-IV0)
    assert res["supported_max_scope"] == "cluster"
    assert (res["supported_max_level"], res["supported_max_version"]) == (view["supported"][1], "4.3-IV0")
    assert res["supported_min_level"] == view["supported"][0]


def test_check_mode_changes_nothing(kraft: KraftCluster) -> None:
    play, res = feature(kraft, check=True, version="latest")
    ok(play, res)
    assert res["changed"] is True
    assert (res["previous_level"], res["finalized_level"]) == (25, 30)  # what it would be
    assert res["diff"] == {"before": "metadata.version: 4.0-IV3 (25)\n", "after": "metadata.version: 4.3-IV0 (30)\n"}
    assert broker_view(kraft)["finalized"] == (25, 25)


def test_unknown_name_is_refused(kraft: KraftCluster) -> None:
    play, res = feature(kraft, version="4.1-IV9")
    failed(play, res)
    assert "unknown metadata.version '4.1-IV9'" in res["msg"], res["msg"]
    play, res = feature(kraft, version="4.7")
    failed(play, res)
    assert "unknown metadata.version release '4.7'" in res["msg"], res["msg"]
    assert broker_view(kraft)["finalized"] == (25, 25)


def test_above_the_supported_maximum_is_refused(kraft: KraftCluster) -> None:
    play, res = feature(kraft, version="4.4-IV0")  # unstable in 4.3.1: not offered by default
    failed(play, res)
    assert res["msg"] == "metadata.version 4.4-IV0 (31) is above the highest level the cluster supports, 4.3-IV0 (30)"
    assert res["supported_max_level"] == 30
    assert broker_view(kraft)["finalized"] == (25, 25)


def test_raise_to_a_release(kraft: KraftCluster) -> None:
    play, res = feature(kraft, version="4.1")
    ok(play, res)
    assert res["changed"] is True
    assert (res["previous_level"], res["finalized_level"], res["finalized_version"]) == (25, 27, "4.1-IV1")
    assert broker_view(kraft)["finalized"] == (27, 27)


def test_downgrade_is_refused(kraft: KraftCluster) -> None:
    play, res = feature(kraft, version="4.0")
    failed(play, res)
    assert res["msg"] == "metadata.version 4.0-IV3 (25) is below the finalized 4.1-IV1 (27); downgrades are refused"
    play, res = feature(kraft, version="26")
    failed(play, res)
    assert res["msg"] == "metadata.version 4.1-IV0 (26) is below the finalized 4.1-IV1 (27); downgrades are refused"
    assert broker_view(kraft)["finalized"] == (27, 27)


def test_raise_to_latest_then_idempotent(kraft: KraftCluster) -> None:
    play, res = feature(kraft, version="latest")
    ok(play, res)
    assert res["changed"] is True
    view = broker_view(kraft)
    # latest = the highest level Kafka 4.3.1 supports = its newest production metadata.version
    assert res["finalized_level"] == view["supported"][1] == 30
    assert view["finalized"] == (30, 30)
    assert res["finalized_version"] == "4.3-IV0"
    assert res["diff"] == {"before": "metadata.version: 4.1-IV1 (27)\n", "after": "metadata.version: 4.3-IV0 (30)\n"}

    for version in ("latest", "4.3", "30"):
        play, res = feature(kraft, version=version)
        ok(play, res)
        assert res["changed"] is False, version
        assert res["finalized_level"] == 30
