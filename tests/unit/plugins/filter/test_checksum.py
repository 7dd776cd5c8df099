"""Unit tests of the checksum-file parser (pure logic)."""

from __future__ import annotations

import hashlib

import pytest

from ansible_collections.streamops.kafka.plugins.filter.checksum import (
    FilterModule,
    normalize_sha512,
    parse_sha512,
)

DIGEST = hashlib.sha512(b"kafka").hexdigest()


def _gpg_format(name: str, digest: str) -> str:
    """Render a digest the way `gpg --print-md SHA512 <file>` prints it."""
    groups = [digest[i:i + 8].upper() for i in range(0, 128, 8)]
    head = "%s: " % name
    lines = [head + " ".join(groups[:6])]
    pad = " " * len(head)
    lines.append(pad + " ".join(groups[6:12]))
    lines.append(pad + " ".join(groups[12:]))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "text",
    [
        "%s  kafka_2.13-3.9.1.tgz\n" % DIGEST,
        "%s *kafka_2.13-3.9.1.tgz\n" % DIGEST,
        "%s  ./kafka_2.13-3.9.1.tgz" % DIGEST,
        "%s\n" % DIGEST.upper(),
        "SHA512 (kafka_2.13-3.9.1.tgz) = %s\n" % DIGEST,
        _gpg_format("kafka_2.13-3.9.1.tgz", DIGEST),
    ],
    ids=["sha512sum", "binary-flag", "dot-slash", "bare-upper", "bsd", "gpg-print-md"],
)
def test_formats(text):
    assert parse_sha512(text, "kafka_2.13-3.9.1.tgz") == DIGEST


def test_picks_named_file_among_several():
    other = hashlib.sha512(b"other").hexdigest()
    text = "%s  a.tgz\n%s  kafka_2.13-3.9.1.tgz\n" % (other, DIGEST)
    assert parse_sha512(text, "kafka_2.13-3.9.1.tgz") == DIGEST
    assert parse_sha512(text, "a.tgz") == other


def test_several_files_without_name_is_an_error():
    other = hashlib.sha512(b"other").hexdigest()
    with pytest.raises(ValueError, match="several files"):
        parse_sha512("%s  a.tgz\n%s  b.tgz\n" % (other, DIGEST))


def test_checksum_for_another_file_names_both():
    with pytest.raises(ValueError, match=r"'apache-zookeeper-3.8.4-bin.tar.gz', not for 'kafka_2.13-3.9.1.tgz'"):
        parse_sha512("%s  apache-zookeeper-3.8.4-bin.tar.gz\n" % DIGEST, "kafka_2.13-3.9.1.tgz")


@pytest.mark.parametrize("text", ["", "   \n", "<html>404 Not Found</html>", DIGEST[:100] + "  x.tgz"])
def test_garbage_is_rejected(text):
    with pytest.raises(ValueError):
        parse_sha512(text, "x.tgz")


def test_normalize_accepts_prefix_and_case():
    assert normalize_sha512("sha512:" + DIGEST.upper()) == DIGEST
    assert normalize_sha512("  " + DIGEST + " ") == DIGEST


@pytest.mark.parametrize("value", ["sha256:" + "a" * 64, "abc", "g" * 128, "sha512:" + "a" * 127])
def test_normalize_rejects_and_names_value(value):
    with pytest.raises(ValueError) as err:
        normalize_sha512(value)
    assert repr(value) in str(err.value)


def test_filters_are_registered():
    assert set(FilterModule().filters()) == {"sha512_from_checksum_file", "normalize_sha512"}
