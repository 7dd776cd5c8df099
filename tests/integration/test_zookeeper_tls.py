"""ZooKeeper with a TLS client port and quorum TLS, and the modules that reach it over TLS.

A real 3-member ensemble on 127.0.0.1 (ZooKeeper of the mirror, ZOOKEEPER_VERSION) started by
tests/integration/cluster.py in its TLS mode: PEM key and trust stores from a private CA made here,
``secureClientPort`` only (no plaintext client port), ``ssl.clientAuth=need``, ``sslQuorum=true``.
The modules run for real, in ansible-playbook processes: ``zookeeper_ensemble_info`` with ``ssl``
(healthy through the TLS port; a client without a certificate, a foreign CA and a plaintext probe
each reported per server) and ``kafka_zookeeper_migration`` (kazoo over TLS). One more standalone
member, whose certificate does not name 127.0.0.1, shows the host name check.
"""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path
from typing import Any, Iterator

import pytest

from ansible_runner import failed, ok, run_module
from cluster import ZooKeeperEnsemble, four_letter_word, make_test_pki

INFO = "streamops.kafka.zookeeper_ensemble_info"
MIGRATION = "streamops.kafka.kafka_zookeeper_migration"
CLIENT_CERT_REFUSED = ("TLS handshake failed: the server refused the client certificate, or requires one "
                       "(ssl.clientAuth=need; set ssl_certfile to a certificate its trust store accepts): ")


@pytest.fixture(scope="module")
def ensemble(zookeeper_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ZooKeeperEnsemble]:
    """One TLS ensemble for the whole file; clients must present a certificate (ssl.clientAuth=need)."""
    assert zookeeper_home.is_dir()
    with ZooKeeperEnsemble(3, tmp_path_factory.mktemp("zk-tls"), tls=True, client_auth="need") as zk:
        yield zk


@pytest.fixture(scope="module")
def foreign_ca(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CA that signed none of the ensemble's certificates."""
    return make_test_pki(tmp_path_factory.mktemp("foreign-ca"), [])["ca"]


def tls_args(zk: ZooKeeperEnsemble, **extra: Any) -> dict[str, Any]:
    """The module's TLS options as a member host would set them: the CA, and its own key store as client certificate."""
    args: dict[str, Any] = dict(ssl=True, ssl_cafile=str(zk.tls["ca"]), ssl_certfile=str(zk.tls[zk.member_name(0)]))
    args.update(extra)
    return args


def test_ensemble_forms_over_quorum_tls(ensemble: ZooKeeperEnsemble) -> None:
    # one leader, two followers, read with srvr over the TLS client port (the only client port)
    assert sorted(ensemble.modes().values()) == ["follower", "follower", "leader"]
    for i in range(3):
        cfg = ensemble.cfg_path(i).read_text()
        assert re.search(r"^sslQuorum=true$", cfg, re.M) and re.search(r"^secureClientPort=", cfg, re.M)
        assert not re.search(r"^clientPort=", cfg, re.M)
        log = ensemble.log_path(i).read_text(errors="replace")
        assert "Using TLS encrypted quorum communication" in log
        assert "Creating TLS-only quorum server socket" in log  # the election port: TLS only
    leader = ensemble.leader()
    assert leader is not None
    leader_log = ensemble.log_path(leader).read_text(errors="replace")
    # both followers synced with the leader over TLS (LearnerHandler on the quorum port)
    assert len(re.findall(r"LearnerHandler-/127\.0\.0\.1:\d+:.*Accepted TLS connection from", leader_log)) >= 2

    # the whitelisted four letter words are answered inside the TLS connection
    host, port = "127.0.0.1", ensemble.client_ports[0]
    context = ensemble.client_context()
    assert four_letter_word(host, port, "ruok", context=context) == "imok"
    assert "zk_server_state\t" in four_letter_word(host, port, "mntr", context=context)
    assert "secureClientPort=%d" % port in four_letter_word(host, port, "conf", context=context)
    # and nothing in plaintext: the TLS port waits for a handshake, never answers "srvr"
    with pytest.raises(socket.timeout):
        four_letter_word(host, port, "srvr", timeout=1)


def test_ensemble_info_over_tls_is_healthy(ensemble: ZooKeeperEnsemble) -> None:
    addresses = ensemble.client_addresses
    play, res = run_module(INFO, dict(servers=addresses, expected_voters=3, expected_observers=0, **tls_args(ensemble)))
    ok(play, res)
    assert res["changed"] is False
    assert res["healthy"] is True, res["problems"]
    assert res["counts"] == {"leader": 1, "follower": 2, "observer": 0, "standalone": 0,
                             "unreachable": 0, "not_serving": 0}
    assert res["leader"] == addresses[ensemble.leader()]
    leader = next(s for s in res["servers"] if s["mode"] == "leader")
    assert leader["version"].startswith(ensemble.home.name.split("-")[2])  # apache-zookeeper-<v>-bin
    assert leader["followers"] == 2 and leader["synced_followers"] == 2  # mntr, over TLS too


def test_client_without_certificate_is_refused(ensemble: ZooKeeperEnsemble) -> None:
    addresses = ensemble.client_addresses
    play, res = run_module(INFO, dict(servers=addresses, timeout=3, fail_on_unhealthy=False,
                                      **tls_args(ensemble, ssl_certfile=None)))
    ok(play, res)
    assert res["healthy"] is False
    assert res["counts"]["unreachable"] == 3
    for server in res["servers"]:
        assert server["mode"] == "unreachable"
        assert server["error"].startswith(CLIENT_CERT_REFUSED), server["error"]
        assert "%s: unreachable (%s" % (server["address"], CLIENT_CERT_REFUSED) in "\n".join(res["problems"])


def test_foreign_ca_fails_naming_certificate_verification(ensemble: ZooKeeperEnsemble, foreign_ca: Path) -> None:
    addresses = ensemble.client_addresses
    play, res = run_module(INFO, dict(servers=addresses, timeout=3, **tls_args(ensemble, ssl_cafile=str(foreign_ca))))
    failed(play, res)
    # the members send their chain (certificate + their CA), which the foreign CA does not anchor
    error = "TLS handshake failed: certificate verify failed: self-signed certificate in certificate chain"
    assert res["msg"].startswith("ZooKeeper ensemble is not healthy: %s: unreachable (%s)" % (addresses[0], error))
    assert [s["error"] for s in res["servers"]] == [error] * 3


def test_plaintext_probe_of_the_tls_port_says_so(ensemble: ZooKeeperEnsemble) -> None:
    address = ensemble.client_addresses[0]
    play, res = run_module(INFO, dict(servers=[address], timeout=1, fail_on_unhealthy=False))
    ok(play, res)
    assert res["servers"][0]["mode"] == "not_serving"
    assert res["servers"][0]["error"] == ('no answer to "srvr" within 1s (a TLS client port? ZooKeeper waits for '
                                          'a TLS handshake on its secureClientPort: set ssl=true)')


def test_address_not_in_the_certificate(zk_ensemble_factory: Any) -> None:
    # A standalone TLS member whose certificate names only "localhost", probed at 127.0.0.1;
    # ssl.clientAuth=none, so no client certificate is needed.
    solo = zk_ensemble_factory(1, tls=True, client_auth="none", tls_sans=["localhost"])
    address = solo.client_addresses[0]
    args = dict(servers=[address], ssl=True, ssl_cafile=str(solo.tls["ca"]), timeout=3)
    play, res = run_module(INFO, args)
    failed(play, res)
    assert res["msg"] == ("ZooKeeper ensemble is not healthy: %s: unreachable (TLS handshake failed: certificate "
                          "verify failed: IP address mismatch, certificate is not valid for '127.0.0.1'.); "
                          "no leader: none of the listed servers is serving" % address)

    play, res = run_module(INFO, dict(args, ssl_check_hostname=False, expected_voters=1))
    ok(play, res)
    assert res["healthy"] is True and res["servers"][0]["mode"] == "standalone"


def test_migration_module_reads_a_tls_ensemble(ensemble: ZooKeeperEnsemble, foreign_ca: Path) -> None:
    from kazoo.client import KazooClient

    connect = ensemble.connect_string
    # No Kafka cluster has used this ZooKeeper: a clean, empty report.
    play, res = run_module(MIGRATION, dict(zookeeper_connect=connect, timeout=10, **tls_args(ensemble)))
    ok(play, res)
    assert res["changed"] is False
    assert res["cluster_id"] is None and res["broker_ids"] == [] and res["controller"] is None
    assert res["migration"] is None and res["migration_completed"] is False

    # What a ZooKeeper-mode broker registers, written with kazoo over TLS (member 1's certificate).
    keystore = str(ensemble.tls[ensemble.member_name(0)])
    client = KazooClient(hosts=connect, use_ssl=True, ca=str(ensemble.tls["ca"]), certfile=keystore,
                         keyfile=keystore, verify_certs=True, check_hostname=True, timeout=10)
    client.start(timeout=15)
    try:
        client.create("/tlstest/cluster/id", b'{"version":"1","id":"4S9m8QM_RX2MLxVvv_OKGg"}', makepath=True)
        client.create("/tlstest/brokers/ids/1", json.dumps({"version": 5}).encode(), makepath=True)
    finally:
        client.stop()
        client.close()
    play, res = run_module(MIGRATION, dict(zookeeper_connect=connect + "/tlstest", **tls_args(ensemble)))
    ok(play, res)
    assert res["cluster_id"] == "4S9m8QM_RX2MLxVvv_OKGg" and res["broker_ids"] == [1]

    # Without a client certificate, and with a foreign CA: no connection, and the message says why.
    play, res = run_module(MIGRATION, dict(zookeeper_connect=connect, timeout=3, **tls_args(ensemble, ssl_certfile=None)))
    failed(play, res)
    assert res["msg"].startswith("Cannot connect to ZooKeeper at %s over TLS: no server answered within 3 s "
                                 "(connection errors: " % connect), res["msg"]
    assert "SSLV3_ALERT_BAD_CERTIFICATE" in res["msg"] or "CERTIFICATE_REQUIRED" in res["msg"], res["msg"]
    play, res = run_module(MIGRATION, dict(zookeeper_connect=connect, timeout=3,
                                           **tls_args(ensemble, ssl_cafile=str(foreign_ca))))
    failed(play, res)
    assert "certificate verify failed: self-signed certificate in certificate chain" in res["msg"], res["msg"]
