"""Unit tests of the kafka role's security checks (pure logic)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.streamops.kafka.plugins.filter.security import access_problems, security_change_problems, security_of

PLAIN = """# Kafka 4.3.1
listeners=PLAINTEXT://0.0.0.0:9092,CONTROLLER://10.0.0.1:9093
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
process.roles=broker,controller
"""
SECURE = """listeners=SASL_SSL://0.0.0.0:9092,CONTROLLER://10.0.0.1:9093
listener.security.protocol.map=CONTROLLER:SSL,SASL_SSL:SASL_SSL
sasl.enabled.mechanisms=SCRAM-SHA-512
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
"""


def test_security_of_reads_listener_sasl_controller_tls_and_authorizer():
    assert security_of(PLAIN) == {"listener": "PLAINTEXT", "sasl": "", "controller_tls": False, "authorizer": False}
    assert security_of(SECURE) == {"listener": "SASL_SSL", "sasl": "SCRAM-SHA-512", "controller_tls": True, "authorizer": True}
    assert security_of("") is None


def test_a_new_node_or_an_unchanged_one_is_fine():
    assert security_change_problems("", SECURE, "k1") == []
    assert security_change_problems(SECURE, SECURE + "log.retention.hours=100\n", "k1") == []


def test_turning_security_on_a_running_node_is_refused_naming_each_change():
    [msg] = security_change_problems(PLAIN, SECURE, "k1")
    assert msg.startswith("k1: changing the security of a node that already runs (client listener PLAINTEXT -> SASL_SSL; "
                          "SASL mechanisms none -> SCRAM-SHA-512; TLS on the controller listener False -> True; "
                          "authorizer False -> True) is not handled yet")


def test_turning_it_off_is_refused_too():
    assert len(security_change_problems(SECURE, PLAIN, "k1")) == 1


def test_access_problems_name_users_and_acls_never_passwords():
    problems = access_problems([{"name": "bob", "password": "secret-7"}],
                               [{"principal": "alice", "operation": "read", "resource_type": "topic", "resource_name": "t"}])
    assert problems == [
        "kafka_users: the password of user 'bob' has 8 characters, fewer than min_password_length=12",
        'kafka_acls[0] has principal \'alice\' without a type: Kafka principals are TYPE:NAME, write "User:alice"',
    ]
    assert "secret-7" not in " ".join(problems)


def test_access_problems_of_sound_input_and_of_a_non_list():
    assert access_problems([{"name": "bob", "password": "long-enough-pw"}],
                           [{"principal": "User:bob", "operation": "write", "resource_type": "topic", "resource_name": "t"}]) == []
    with pytest.raises(AnsibleFilterError, match="kafka_acls must be a list of dicts, got dict"):
        access_problems([], {"principal": "User:bob"})
