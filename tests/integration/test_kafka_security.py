"""kafka_user, kafka_acl, kafka_topic and kafka_info against a real secured Kafka 4.x node on loopback.

One combined KRaft node (tests/integration/cluster.py SecureKraftCluster, from the mirror's Kafka
4.x) with TLS from a private CA made in the test, SASL/SCRAM on the client and inter-broker
listener, mTLS on the controller listener, the StandardAuthorizer with
``allow.everyone.if.no.acl.found=false`` and the super user ``admin`` created at format time.
It is started once for the whole file. The modules run for real, in ansible-playbook processes
(JSON callback), connecting over SASL_SSL with host name verification; what they did is checked
independently with kafka-python as the super user, and the users they create are tried with real
producers. The tests build on each other and run in file order.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

import kafka
import kafka.errors as kafka_errors
import pytest
from kafka.admin import (ACL, ACLFilter, ACLOperation, ACLPermissionType, ACLResourcePatternType, KafkaAdminClient,
                         ResourcePattern, ResourcePatternFilter, ResourceType)

from ansible_runner import COLLECTIONS, VENV_BIN, PlayResult, failed, ok, run_module
from cluster import SecureKraftCluster

USER = "streamops.kafka.kafka_user"
ACL_MODULE = "streamops.kafka.kafka_acl"
TOPIC = "streamops.kafka.kafka_topic"
INFO = "streamops.kafka.kafka_info"

ALICE_PASSWORD = "alice-S3cret-passw0rd"
BOB_PASSWORD = "bob-S3cret-passw0rd-256"
TOPIC_NAME = "it-secure-orders"


@pytest.fixture(scope="module")
def secure(kafka4_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecureKraftCluster]:
    """One secured combined KRaft node for every test of this file."""
    assert kafka4_home.is_dir()
    with SecureKraftCluster(1, tmp_path_factory.mktemp("kafka-security") / "kraft") as kc:
        yield kc


@pytest.fixture(scope="module")
def admin(secure: SecureKraftCluster) -> Iterator[Any]:
    client = KafkaAdminClient(bootstrap_servers=secure.addresses, client_id="streamops-it-verify",
                              **secure.client_security())
    yield client
    client.close()


def connection(kc: SecureKraftCluster, **overrides: Any) -> dict[str, Any]:
    """The modules' connection options: SASL_SSL as the super user, verifying the host name."""
    options = dict(bootstrap_servers=kc.addresses, security_protocol="SASL_SSL", ssl_cafile=str(kc.tls["ca"]),
                   ssl_check_hostname=True, sasl_mechanism="SCRAM-SHA-512",
                   sasl_plain_username=kc.ADMIN_USER, sasl_plain_password=kc.admin_password,
                   request_timeout_ms=10000)
    options.update(overrides)
    return options


def run(kc: SecureKraftCluster, module: str, check: bool = False, diff: bool = False,
        **options: Any) -> tuple[PlayResult, dict[str, Any]]:
    return run_module(module, {**connection(kc), **options}, check=check, diff=diff)


def credentials(admin: Any) -> dict[str, dict[str, int]]:
    """{user: {mechanism: iterations}} as Kafka reports them."""
    return {user: {info["mechanism"].name.replace("_", "-"): info["iterations"] for info in entry["credential_infos"]}
            for user, entry in admin.describe_user_scram_credentials().items() if not entry["error"]}


def acls_on(admin: Any, topic: str) -> list[tuple[str, str, str]]:
    """(principal, operation, permission) of the literal ACLs on a topic, sorted."""
    found, _error = admin.describe_acls(ACLFilter(
        principal=None, host=None, operation=ACLOperation.ANY, permission_type=ACLPermissionType.ANY,
        resource_pattern=ResourcePatternFilter(ResourceType.TOPIC, topic, ACLResourcePatternType.LITERAL)))
    return sorted((a.principal, a.operation.name.lower(), a.permission_type.name.lower()) for a in found)


def produce(kc: SecureKraftCluster, user: str, password: str, mechanism: str = "SCRAM-SHA-512",
            topic: str = TOPIC_NAME) -> None:
    """Produce one record as ``user``; raises what kafka-python raises."""
    producer = kafka.KafkaProducer(bootstrap_servers=kc.addresses, acks="all", max_block_ms=8000,
                                   **kc.client_security(user, password, mechanism))
    try:
        producer.send(topic, b"hello").get(timeout=15)
    finally:
        producer.close(timeout=5)


def produce_eventually(kc: SecureKraftCluster, user: str, password: str, timeout: float = 15.0, **kw: Any) -> None:
    """Produce, retrying while the grant or credential is still on its way to the broker."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            produce(kc, user, password, **kw)
            return
        except (kafka_errors.TopicAuthorizationFailedError, kafka_errors.KafkaTimeoutError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def bootstrap_failure(caplog: pytest.LogCaptureFixture, servers: list[str], expect: str = "", attempts: int = 3,
                      **config: Any) -> str:
    """Open an admin client that must fail to bootstrap; the connection errors kafka-python logged.

    Every attempt must fail. With ``expect``, up to ``attempts`` clients try, until one's errors name
    it: on a loaded machine kafka-python sometimes reads the broker's close of a refused SASL
    connection before the error response that came with it, and logs only "socket disconnected".
    """
    logged = ""
    for _attempt in range(attempts):
        caplog.clear()
        with caplog.at_level(logging.ERROR, logger="kafka"):
            with pytest.raises(kafka_errors.KafkaError):
                KafkaAdminClient(bootstrap_servers=servers, request_timeout_ms=5000, bootstrap_timeout_ms=5000, **config)
        logged = "\n".join(r.getMessage() for r in caplog.records)
        if expect in logged:
            break
    return logged


# --------------------------------------------------------------------------------------------------
# kafka_user


def test_user_check_mode_changes_nothing(secure: SecureKraftCluster, admin: Any) -> None:
    play, res = run(secure, USER, check=True, diff=True, name="alice", password=ALICE_PASSWORD)
    ok(play, res)
    assert res["changed"] is True
    assert res["users"] == [dict(name="alice", mechanism="SCRAM-SHA-512", iterations=8192, action="created",
                                 changed=True, error=None)]
    assert res["diff"] == {"before": {"alice": {}}, "after": {"alice": {"SCRAM-SHA-512": {"iterations": 8192}}}}
    assert "alice" not in credentials(admin)


def test_user_create_then_rerun_unchanged(secure: SecureKraftCluster, admin: Any) -> None:
    play, res = run(secure, USER, users=[dict(name="alice", password=ALICE_PASSWORD),
                                         dict(name="bob", password=BOB_PASSWORD, mechanism="SCRAM-SHA-256",
                                              iterations=4096)])
    ok(play, res)
    assert res["changed"] is True and play.changed() == 1
    assert [(u["name"], u["action"]) for u in res["users"]] == [("alice", "created"), ("bob", "created")]
    creds = credentials(admin)
    assert creds["alice"] == {"SCRAM-SHA-512": 8192}
    assert creds["bob"] == {"SCRAM-SHA-256": 4096}

    play, res = run(secure, USER, users=[dict(name="alice", password=ALICE_PASSWORD),
                                         dict(name="bob", password=BOB_PASSWORD, mechanism="SCRAM-SHA-256",
                                              iterations=4096)])
    ok(play, res)
    assert res["changed"] is False and play.changed() == 0
    assert [u["action"] for u in res["users"]] == ["unchanged", "unchanged"]


def test_user_update_password_always(secure: SecureKraftCluster, admin: Any) -> None:
    play, res = run(secure, USER, diff=True, name="alice", password=ALICE_PASSWORD, update_password="always")
    ok(play, res)
    assert res["changed"] is True
    assert res["users"][0]["action"] == "updated"
    assert res["diff"]["after"] == {"alice": {"SCRAM-SHA-512": {"iterations": 8192, "credential": "replaced"}}}
    assert credentials(admin)["alice"] == {"SCRAM-SHA-512": 8192}


def test_user_other_iterations_replace_the_credential(secure: SecureKraftCluster, admin: Any) -> None:
    play, res = run(secure, USER, diff=True, name="bob", password=BOB_PASSWORD, mechanism="SCRAM-SHA-256",
                    iterations=8192)
    ok(play, res)
    assert res["changed"] is True
    assert res["users"][0]["action"] == "updated"
    assert res["diff"] == {"before": {"bob": {"SCRAM-SHA-256": {"iterations": 4096}}},
                           "after": {"bob": {"SCRAM-SHA-256": {"iterations": 8192}}}}
    assert credentials(admin)["bob"] == {"SCRAM-SHA-256": 8192}


def test_user_short_password_refused_before_any_change(secure: SecureKraftCluster, admin: Any) -> None:
    play, res = run(secure, USER, users=[dict(name="carol", password="Carol-long-enough-1"),
                                         dict(name="dave", password="short")])
    failed(play, res)
    assert res["msg"] == ("Invalid request, nothing was changed: the password of user 'dave' has 5 characters, "
                          "fewer than min_password_length=12")
    assert "carol" not in credentials(admin) and "dave" not in credentials(admin)


def test_user_absent(secure: SecureKraftCluster, admin: Any) -> None:
    play, res = run(secure, USER, users=[dict(name="erin", password="Erin-long-enough-1")])
    ok(play, res)
    play, res = run(secure, USER, name="erin", state="absent")
    ok(play, res)
    assert res["changed"] is True
    assert res["users"] == [dict(name="erin", mechanism="SCRAM-SHA-512", iterations=None, action="deleted",
                                 changed=True, error=None)]
    assert "erin" not in credentials(admin)
    play, res = run(secure, USER, name="erin", state="absent")
    assert ok(play, res)["changed"] is False


def test_no_password_in_verbose_output(secure: SecureKraftCluster) -> None:
    """One kafka_user task at -vvv with the default callback and --diff: neither password shows up anywhere."""
    secret = "Frank-Unl1kely-Secret-Value"
    options = {**connection(secure), "name": "frank", "password": secret, "update_password": "always"}
    import json
    play = [{"name": "secret", "hosts": "localhost", "gather_facts": False,
             "tasks": [{"name": "Create frank", USER: options}]}]
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS), ANSIBLE_LOCALHOST_WARNING="false",
               ANSIBLE_INVENTORY_UNPARSED_WARNING="false", ANSIBLE_NOCOLOR="1", ANSIBLE_PYTHON_INTERPRETER=sys.executable,
               PATH="%s:%s" % (VENV_BIN, os.environ.get("PATH", "")))
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as fh:
        fh.write(json.dumps(play))
    try:
        proc = subprocess.run([str(VENV_BIN / "ansible-playbook"), "-i", "localhost,", "-c", "local", "-vvv", "--diff",
                               fh.name], env=env, capture_output=True, text=True, timeout=300, check=False)
    finally:
        os.unlink(fh.name)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-3000:]
    assert "changed: [localhost]" in output
    assert "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" in output  # -vvv did print the invocation
    assert secret not in output
    assert secure.admin_password not in output


# --------------------------------------------------------------------------------------------------
# authentication


def test_created_users_authenticate_and_wrong_ones_do_not(secure: SecureKraftCluster,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    for user, password, mechanism in (("alice", ALICE_PASSWORD, "SCRAM-SHA-512"), ("bob", BOB_PASSWORD, "SCRAM-SHA-256")):
        client = KafkaAdminClient(bootstrap_servers=secure.addresses, request_timeout_ms=5000,
                                  **secure.client_security(user, password, mechanism))
        try:
            assert client.describe_cluster()["cluster_id"] == secure.cluster_id
        finally:
            client.close()

    logged = bootstrap_failure(caplog, secure.addresses, "SaslAuthenticationFailedError",
                               **secure.client_security("alice", "not-" + ALICE_PASSWORD))
    assert "SaslAuthenticationFailedError" in logged
    logged = bootstrap_failure(caplog, secure.addresses, "SaslAuthenticationFailedError",
                               **secure.client_security("bob", BOB_PASSWORD, "SCRAM-SHA-512"))
    assert "SaslAuthenticationFailedError" in logged  # bob has no SCRAM-SHA-512 credential


def test_clients_without_tls_are_refused(secure: SecureKraftCluster, caplog: pytest.LogCaptureFixture) -> None:
    logged = bootstrap_failure(caplog, secure.addresses, "socket disconnected", security_protocol="PLAINTEXT")
    assert "socket disconnected" in logged
    logged = bootstrap_failure(caplog, secure.addresses, "socket disconnected", security_protocol="SASL_PLAINTEXT",
                               sasl_mechanism="SCRAM-SHA-512", sasl_plain_username="alice",
                               sasl_plain_password=ALICE_PASSWORD)
    assert "SaslAuthenticationFailedError" not in logged and "socket disconnected" in logged


# --------------------------------------------------------------------------------------------------
# kafka_topic and kafka_acl


def test_topic_as_super_user(secure: SecureKraftCluster, admin: Any) -> None:
    play, res = run(secure, TOPIC, name=TOPIC_NAME, partitions=2, replication_factor=1)
    ok(play, res)
    assert res["changed"] is True
    assert len(admin.describe_topics([TOPIC_NAME])[0]["partitions"]) == 2


def test_user_without_acl_cannot_produce(secure: SecureKraftCluster) -> None:
    with pytest.raises(kafka_errors.TopicAuthorizationFailedError):
        produce(secure, "alice", ALICE_PASSWORD)


ALICE_PRODUCES = [dict(principal="User:alice", operation="WRITE", resource_type="topic", resource_name=TOPIC_NAME),
                  dict(principal="User:alice", operation="describe", resource_type="topic", resource_name=TOPIC_NAME)]


def test_acl_check_mode_changes_nothing(secure: SecureKraftCluster, admin: Any) -> None:
    play, res = run(secure, ACL_MODULE, check=True, acls=ALICE_PRODUCES)
    ok(play, res)
    assert res["changed"] is True
    assert [a["operation"] for a in res["acls_added"]] == ["describe", "write"]
    assert acls_on(admin, TOPIC_NAME) == []


def test_acl_grant_lets_the_user_produce_and_rerun_is_unchanged(secure: SecureKraftCluster, admin: Any) -> None:
    play, res = run(secure, ACL_MODULE, diff=True, acls=ALICE_PRODUCES)
    ok(play, res)
    assert res["changed"] is True
    expected = [dict(principal="User:alice", host="*", operation=op, permission="allow", resource_type="topic",
                     resource_name=TOPIC_NAME, pattern_type="literal") for op in ("describe", "write")]
    assert res["acls_added"] == expected
    assert res["acls"] == expected
    assert res["diff"] == {"before": [], "after": expected}
    assert acls_on(admin, TOPIC_NAME) == [("User:alice", "describe", "allow"), ("User:alice", "write", "allow")]
    produce_eventually(secure, "alice", ALICE_PASSWORD)

    play, res = run(secure, ACL_MODULE, acls=ALICE_PRODUCES)
    ok(play, res)
    assert res["changed"] is False and play.changed() == 0
    assert res["acls_added"] == [] and res["acls_removed"] == []


def test_acl_exclusive_removes_the_unlisted(secure: SecureKraftCluster, admin: Any) -> None:
    bob_reads = ACL("User:bob", "*", ACLOperation.READ, ACLPermissionType.ALLOW,
                    ResourcePattern(ResourceType.TOPIC, TOPIC_NAME, ACLResourcePatternType.LITERAL))
    bob_elsewhere = ACL("User:bob", "*", ACLOperation.READ, ACLPermissionType.ALLOW,
                        ResourcePattern(ResourceType.TOPIC, "it-secure-", ACLResourcePatternType.PREFIXED))
    answer = admin.create_acls([bob_reads, bob_elsewhere])
    assert not answer["failed"], answer
    deadline = time.monotonic() + 10
    while ("User:bob", "read", "allow") not in acls_on(admin, TOPIC_NAME) and time.monotonic() < deadline:
        time.sleep(0.2)

    play, res = run(secure, ACL_MODULE, exclusive=True, acls=ALICE_PRODUCES)
    ok(play, res)
    assert res["changed"] is True
    assert [(a["principal"], a["operation"]) for a in res["acls_removed"]] == [("User:bob", "read")]
    assert acls_on(admin, TOPIC_NAME) == [("User:alice", "describe", "allow"), ("User:alice", "write", "allow")]
    # the prefixed ACL is another resource pattern: untouched
    prefixed, _error = admin.describe_acls(ACLFilter(
        principal="User:bob", host=None, operation=ACLOperation.ANY, permission_type=ACLPermissionType.ANY,
        resource_pattern=ResourcePatternFilter(ResourceType.TOPIC, "it-secure-", ACLResourcePatternType.PREFIXED)))
    assert len(prefixed) == 1


def test_acl_absent_revokes(secure: SecureKraftCluster, admin: Any) -> None:
    play, res = run(secure, ACL_MODULE, state="absent", acls=ALICE_PRODUCES[:1])
    ok(play, res)
    assert res["changed"] is True
    assert [a["operation"] for a in res["acls_removed"]] == ["write"]
    assert acls_on(admin, TOPIC_NAME) == [("User:alice", "describe", "allow")]
    # kafka-python's producer is idempotent by default: with DESCRIBE left, the metadata is readable, and
    # InitProducerId is refused first (WRITE on some topic stands in for IDEMPOTENT_WRITE since Kafka 3.0).
    deadline = time.monotonic() + 10
    while True:
        try:
            produce(secure, "alice", ALICE_PASSWORD)
        except kafka_errors.KafkaError as exc:
            assert "AuthorizationFailed" in str(exc), exc
            break
        assert time.monotonic() < deadline, "alice can still produce after her WRITE was revoked"
        time.sleep(0.5)
    play, res = run(secure, ACL_MODULE, state="absent", acls=ALICE_PRODUCES[:1])
    assert ok(play, res)["changed"] is False


def test_acl_refusals_name_the_value(secure: SecureKraftCluster, admin: Any) -> None:
    before = acls_on(admin, TOPIC_NAME)
    play, res = run(secure, ACL_MODULE, acls=[
        dict(principal="User:alice", operation="publish", resource_type="topic", resource_name=TOPIC_NAME)])
    failed(play, res)
    assert "acls[0] (User:alice) has an invalid operation 'publish': valid are all, read, write" in res["msg"]
    play, res = run(secure, ACL_MODULE, acls=[
        dict(principal="alice", operation="read", resource_type="topic", resource_name=TOPIC_NAME)])
    failed(play, res)
    assert 'principal \'alice\' without a type: Kafka principals are TYPE:NAME, write "User:alice"' in res["msg"]
    assert acls_on(admin, TOPIC_NAME) == before


# --------------------------------------------------------------------------------------------------
# kafka_info and host name verification


def test_info_reports_users_and_acls(secure: SecureKraftCluster, admin: Any) -> None:
    play, res = run(secure, INFO, topics=[TOPIC_NAME])
    ok(play, res)
    assert res["mode"] == "kraft"
    assert res["authorizer"] is True
    all_acls, _error = admin.describe_acls(ACLFilter(
        principal=None, host=None, operation=ACLOperation.ANY, permission_type=ACLPermissionType.ANY,
        resource_pattern=ResourcePatternFilter(ResourceType.ANY, None, ACLResourcePatternType.ANY)))
    assert res["acl_count"] == len(all_acls) == 2  # alice's describe, bob's prefixed read
    users = {u["name"]: u["mechanisms"] for u in res["users"]}
    assert users["admin"] == [dict(mechanism="SCRAM-SHA-512", iterations=4096)]  # made at format time
    assert users["alice"] == [dict(mechanism="SCRAM-SHA-512", iterations=8192)]
    assert users["bob"] == [dict(mechanism="SCRAM-SHA-256", iterations=8192)]
    assert res["user_count"] == len(users)
    assert not res.get("warnings")


def test_host_name_verification(secure: SecureKraftCluster) -> None:
    """127.0.0.2 (loopback, where the node also listens) is not in the certificate's SANs."""
    play, res = run(secure, INFO, topics=[], **{"bootstrap_servers": secure.sanless_addresses,
                                                "request_timeout_ms": 4000})
    failed(play, res)
    assert "Cannot connect to Kafka bootstrap servers %s" % secure.sanless_addresses[0] in res["msg"]
    assert "certificate is not valid for '127.0.0.2'" in res["msg"]
    play, res = run(secure, INFO, topics=[], **{"bootstrap_servers": secure.sanless_addresses,
                                                "ssl_check_hostname": False})
    ok(play, res)
