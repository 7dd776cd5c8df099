"""Unit tests of the certificate checks (pure logic on community.crypto's info results)."""

from __future__ import annotations

import datetime

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.streamops.kafka.plugins.filter.tls import certificate_problems, days_left, subject_alt_names

NOW = datetime.datetime(2026, 11, 22, 12, 0, tzinfo=datetime.timezone.utc)
CA = {"subject": {"commonName": "ca"}, "subject_key_identifier": "AA:BB"}


def cert(**kw):
    base = {"public_key": "PUB-1", "not_before": "20260101000000Z", "not_after": "20271231235959Z", "expired": False,
            "subject_alt_name": ["DNS:kafka-1", "IP:10.0.0.1"], "issuer": {"commonName": "ca"},
            "authority_key_identifier": "AA:BB"}
    base.update(kw)
    return base


def problems(c, key="PUB-1", ca=None, required=("DNS:kafka-1", "IP:10.0.0.1")):
    return certificate_problems(c, {"public_key": key}, CA if ca is None else ca, list(required), "kafka-1", "/c.crt", "/c.key", now=NOW)


def test_sound_certificate():
    assert problems(cert()) == []


def test_key_that_does_not_match():
    [msg] = problems(cert(), key="PUB-2")
    assert "kafka-1: the private key /c.key does not match the certificate /c.crt" in msg


def test_expired_certificate_names_the_date():
    [msg] = problems(cert(not_after="20261101000000Z"))
    assert "/c.crt expired on 20261101000000Z" in msg


def test_not_yet_valid():
    [msg] = problems(cert(not_before="20270101000000Z"))
    assert "not valid before 20270101000000Z" in msg


def test_missing_names_are_listed_with_what_it_has():
    [msg] = problems(cert(subject_alt_name=["DNS:kafka-2"]))
    assert "no subject alternative name DNS:kafka-1, IP:10.0.0.1 (it has: DNS:kafka-2)" in msg


def test_names_compare_case_insensitively():
    assert problems(cert(subject_alt_name=["DNS:KAFKA-1", "IP:10.0.0.1"])) == []


def test_other_issuer():
    [msg] = problems(cert(authority_key_identifier="CC:DD"))
    assert "was not issued by the CA certificate" in msg


def test_issuer_compared_by_subject_without_key_identifiers():
    assert problems(cert(authority_key_identifier=None), ca={"subject": {"commonName": "ca"}}) == []
    assert len(problems(cert(authority_key_identifier=None, issuer={"commonName": "x"}), ca={"subject": {"commonName": "ca"}})) == 1


def test_several_problems_at_once():
    assert len(problems(cert(not_after="20200101000000Z", subject_alt_name=[]), key="X")) == 3


def test_subject_alt_names_detects_addresses_and_drops_duplicates():
    assert subject_alt_names(["kafka-1", "", "KAFKA-1"], ["10.0.0.1", "::1", "10.0.0.1"]) == ["DNS:kafka-1", "IP:10.0.0.1", "IP:::1"]


def test_days_left():
    assert days_left("20261202120000Z", NOW) == 10
    assert days_left("20261121120000Z", NOW) == -1


def test_days_left_refuses_other_text():
    with pytest.raises(AnsibleFilterError, match="'2026-12-01' is not an ASN.1 time"):
        days_left("2026-12-01")
