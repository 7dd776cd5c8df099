# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Unit tests of the ZooKeeper TLS options (module_utils/_zookeeper_tls.py) and of probing over TLS.

The pure parts (option checks, kazoo arguments, error descriptions, the spec against the doc
fragment) run on canned values; the probe runs against a loopback TLS server answering like a
ZooKeeper secureClientPort, with certificates made here with ``cryptography`` (skipped without it).
"""

from __future__ import annotations

import datetime
import ipaddress
import logging
import socket
import ssl
import threading
import typing as t
from pathlib import Path

import pytest
import yaml

from ansible_collections.streamops.kafka.plugins.doc_fragments.zookeeper_tls import ModuleDocFragment
from ansible_collections.streamops.kafka.plugins.module_utils import _zookeeper as zk
from ansible_collections.streamops.kafka.plugins.module_utils._zookeeper_tls import (
    KazooConnectionErrors,
    TlsConfigError,
    client_ssl_context,
    describe_tls_error,
    kazoo_tls_kwargs,
    tls_option_problems,
    zookeeper_tls_argument_spec,
)

SRVR = ('Zookeeper version: 3.8.6-6df26081269769c160c8c3a24929c60c91cd19c3, built on 2026-01-28 20:28 UTC\n'
        'Latency min/avg/max: 0/0.0/0\nReceived: 4\nSent: 3\nConnections: 1\nOutstanding: 0\n'
        'Zxid: 0x100000000\nMode: follower\nNode count: 5\n')


def params(**kw: t.Any) -> dict[str, t.Any]:
    base: dict[str, t.Any] = dict(ssl=False, ssl_cafile=None, ssl_certfile=None, ssl_keyfile=None,
                                  ssl_check_hostname=True)
    base.update(kw)
    return base


# --------------------------------------------------------------------------- options

def test_argument_spec_matches_the_doc_fragment() -> None:
    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']
    spec = zookeeper_tls_argument_spec()
    assert set(spec) == set(documented)
    for name, option in spec.items():
        assert option['type'] == documented[name]['type'], name
        assert option.get('default') == documented[name].get('default'), name
        assert documented[name]['version_added'] == '1.3.0', name


def test_no_tls_no_problem() -> None:
    assert tls_option_problems(params()) == []
    assert client_ssl_context(params()) is None
    assert kazoo_tls_kwargs(params()) == {}


def test_files_without_ssl_are_refused() -> None:
    assert tls_option_problems(params(ssl_cafile='/etc/zk/ca.pem', ssl_certfile='/etc/zk/client.pem')) == [
        'ssl_cafile=/etc/zk/ca.pem is only used with ssl=true',
        'ssl_certfile=/etc/zk/client.pem is only used with ssl=true',
    ]


def test_missing_files_and_key_without_certificate(tmp_path: Path) -> None:
    key = tmp_path / 'client.key'
    key.write_text('x')
    assert tls_option_problems(params(ssl=True, ssl_cafile=str(tmp_path / 'nope.pem'), ssl_keyfile=str(key))) == [
        'ssl_keyfile=%s needs ssl_certfile, the client certificate of that key' % key,
        'ssl_cafile=%s/nope.pem: no such file' % tmp_path,
    ]


def test_kazoo_kwargs_key_store_in_one_file() -> None:
    assert kazoo_tls_kwargs(params(ssl=True, ssl_cafile='/ca.pem', ssl_certfile='/client.pem')) == dict(
        use_ssl=True, ca='/ca.pem', certfile='/client.pem', keyfile='/client.pem', verify_certs=True,
        check_hostname=True)


def test_kazoo_kwargs_separate_key_no_hostname_check() -> None:
    assert kazoo_tls_kwargs(params(ssl=True, ssl_certfile='/c.pem', ssl_keyfile='/c.key', ssl_check_hostname=False)) == dict(
        use_ssl=True, ca=None, certfile='/c.pem', keyfile='/c.key', verify_certs=True, check_hostname=False)


def test_kazoo_kwargs_without_client_certificate() -> None:
    kwargs = kazoo_tls_kwargs(params(ssl=True, ssl_cafile='/ca.pem'))
    assert kwargs['certfile'] is None and kwargs['keyfile'] is None


# --------------------------------------------------------------------------- error descriptions

def ssl_error(cls: type[ssl.SSLError], reason: str, **attrs: t.Any) -> ssl.SSLError:
    exc = cls(1, '[SSL: %s] %s (_ssl.c:1006)' % (reason, reason.lower().replace('_', ' ')))
    exc.reason = reason  # type: ignore[attr-defined]
    for name, value in attrs.items():
        setattr(exc, name, value)
    return exc


@pytest.mark.parametrize('exc, expected', [
    (ssl_error(ssl.SSLCertVerificationError, 'CERTIFICATE_VERIFY_FAILED',
               verify_message='self-signed certificate in certificate chain'),
     'TLS handshake failed: certificate verify failed: self-signed certificate in certificate chain'),
    (ssl_error(ssl.SSLCertVerificationError, 'CERTIFICATE_VERIFY_FAILED',
               verify_message="Hostname mismatch, certificate is not valid for 'zk9'."),
     "TLS handshake failed: certificate verify failed: Hostname mismatch, certificate is not valid for 'zk9'."),
    (ssl_error(ssl.SSLError, 'SSLV3_ALERT_BAD_CERTIFICATE'),
     'TLS handshake failed: the server refused the client certificate, or requires one (ssl.clientAuth=need; '
     'set ssl_certfile to a certificate its trust store accepts): SSLV3_ALERT_BAD_CERTIFICATE'),
    (ssl_error(ssl.SSLError, 'TLSV13_ALERT_CERTIFICATE_REQUIRED'),
     'TLS handshake failed: the server refused the client certificate, or requires one (ssl.clientAuth=need; '
     'set ssl_certfile to a certificate its trust store accepts): TLSV13_ALERT_CERTIFICATE_REQUIRED'),
    (ssl_error(ssl.SSLError, 'WRONG_VERSION_NUMBER'),
     'TLS handshake failed: WRONG_VERSION_NUMBER (does the port serve TLS? ZooKeeper serves TLS on its '
     'secureClientPort, not on its clientPort)'),
    (ssl_error(ssl.SSLEOFError, 'UNEXPECTED_EOF_WHILE_READING'),
     'TLS handshake failed: UNEXPECTED_EOF_WHILE_READING (does the port serve TLS? ZooKeeper serves TLS on its '
     'secureClientPort, not on its clientPort)'),
    (ssl_error(ssl.SSLError, 'NO_SHARED_CIPHER'), 'TLS handshake failed: NO_SHARED_CIPHER'),
    (socket.timeout('_ssl.c:983: The handshake operation timed out'), 'TLS handshake timed out after 2.5s'),
    (ConnectionResetError(104, 'Connection reset by peer'),
     'TLS handshake failed: the server closed the connection (does the port serve TLS? ZooKeeper serves TLS '
     'on its secureClientPort, not on its clientPort)'),
])
def test_describe_tls_error(exc: BaseException, expected: str) -> None:
    assert describe_tls_error(exc, 2.5) == expected


def test_kazoo_connection_errors_keeps_the_last_distinct_reasons() -> None:
    errors = KazooConnectionErrors()
    logger = logging.getLogger('kazoo.test_zookeeper_tls')
    logger.addHandler(errors)
    try:
        assert errors.summary() == ''
        for reason in ('socket connection error: A', 'socket connection error: B', 'socket connection error: A'):
            logger.warning('Connection dropped: %s', reason)
        logger.warning('Transition to CONNECTING')
    finally:
        logger.removeHandler(errors)
    assert errors.summary() == ' (connection errors: socket connection error: B; socket connection error: A)'


# --------------------------------------------------------------------------- a loopback TLS server

def make_pki(directory: Path, sans: list[str]) -> dict[str, Path]:
    """CA, a server key store (key + certificate + CA, like ZooKeeper's PEM key store) with ``sans``,
    a client key store, and a second CA that signed nothing here."""
    pytest.importorskip('cryptography')
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)
    later = now + datetime.timedelta(days=1)

    def ca(name: str) -> tuple[t.Any, t.Any]:
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(now).not_valid_after(later)
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .sign(key, hashes.SHA256()))
        return key, cert

    def leaf(name: str, ca_key: t.Any, ca_cert: t.Any, alt: list[str]) -> bytes:
        key = ec.generate_private_key(ec.SECP256R1())
        names: list[x509.GeneralName] = []
        for value in alt:
            try:
                names.append(x509.IPAddress(ipaddress.ip_address(value)))
            except ValueError:
                names.append(x509.DNSName(value))
        builder = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
                   .issuer_name(ca_cert.subject).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now).not_valid_after(later))
        if names:
            builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
        cert = builder.sign(ca_key, hashes.SHA256())
        return (key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption())
                + cert.public_bytes(serialization.Encoding.PEM) + ca_cert.public_bytes(serialization.Encoding.PEM))

    ca_key, ca_cert = ca('unit CA')
    _other_key, other_cert = ca('other CA')
    out = {name: directory / ('%s.pem' % name) for name in ('ca', 'other_ca', 'server', 'client')}
    out['ca'].write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    out['other_ca'].write_bytes(other_cert.public_bytes(serialization.Encoding.PEM))
    out['server'].write_bytes(leaf('zk1', ca_key, ca_cert, sans))
    out['client'].write_bytes(leaf('client', ca_key, ca_cert, []))
    return out


class FakeTlsZooKeeper:
    """Answers ``srvr`` (and ``mntr``: nothing) on a loopback TLS port, like a ZooKeeper secureClientPort.

    TLS 1.2 at most, as ZooKeeper 3.8 negotiates by default: a refused client certificate is then an
    alert during the handshake (TLS 1.3 refuses it after the client's side of the handshake is done).
    """

    def __init__(self, pki: dict[str, Path], client_auth: bool = False) -> None:
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.maximum_version = ssl.TLSVersion.TLSv1_2
        self.context.load_cert_chain(str(pki['server']))
        if client_auth:
            self.context.verify_mode = ssl.CERT_REQUIRED
            self.context.load_verify_locations(str(pki['ca']))
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                raw, _peer = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            raw.settimeout(2)
            try:
                with self.context.wrap_socket(raw, server_side=True) as conn:
                    word = conn.recv(4)
                    conn.sendall((SRVR if word == b'srvr' else '').encode())
            except (OSError, ssl.SSLError):
                raw.close()

    def close(self) -> None:
        self.stopped.set()
        self.sock.close()
        self.thread.join(5)


@pytest.fixture
def tls_zk(tmp_path: Path) -> t.Iterator[t.Callable[..., tuple[FakeTlsZooKeeper, dict[str, Path]]]]:
    servers: list[FakeTlsZooKeeper] = []

    def make(sans: t.Sequence[str] = ('localhost', '127.0.0.1'), client_auth: bool = False) -> tuple[FakeTlsZooKeeper, dict[str, Path]]:
        pki = make_pki(tmp_path, list(sans))
        servers.append(FakeTlsZooKeeper(pki, client_auth))
        return servers[-1], pki

    yield make
    for server in servers:
        server.close()


def test_probe_over_tls(tls_zk: t.Any) -> None:
    server, pki = tls_zk()
    result = zk.probe('127.0.0.1', server.port, 2, context=client_ssl_context(params(ssl=True, ssl_cafile=str(pki['ca']))))
    assert result['mode'] == 'follower'
    assert result['error'] is None
    assert result['zxid'] == 0x100000000


def test_probe_over_tls_with_another_ca(tls_zk: t.Any) -> None:
    server, pki = tls_zk()
    result = zk.probe('127.0.0.1', server.port, 2,
                      context=client_ssl_context(params(ssl=True, ssl_cafile=str(pki['other_ca']))))
    assert result['mode'] == 'unreachable'
    assert result['error'] == 'TLS handshake failed: certificate verify failed: self-signed certificate in certificate chain'


def test_probe_over_tls_address_not_in_the_certificate(tls_zk: t.Any) -> None:
    server, pki = tls_zk(sans=['zk1.example.test'])
    checked = client_ssl_context(params(ssl=True, ssl_cafile=str(pki['ca'])))
    result = zk.probe('127.0.0.1', server.port, 2, context=checked)
    assert result['mode'] == 'unreachable'
    assert result['error'] == ("TLS handshake failed: certificate verify failed: IP address mismatch, "
                               "certificate is not valid for '127.0.0.1'.")
    unchecked = client_ssl_context(params(ssl=True, ssl_cafile=str(pki['ca']), ssl_check_hostname=False))
    assert zk.probe('127.0.0.1', server.port, 2, context=unchecked)['mode'] == 'follower'


def test_probe_over_tls_client_certificate(tls_zk: t.Any) -> None:
    server, pki = tls_zk(client_auth=True)
    without = zk.probe('127.0.0.1', server.port, 2, context=client_ssl_context(params(ssl=True, ssl_cafile=str(pki['ca']))))
    assert without['mode'] == 'unreachable'
    assert without['error'].startswith('TLS handshake failed: the server refused the client certificate, or requires one')
    with_cert = client_ssl_context(params(ssl=True, ssl_cafile=str(pki['ca']), ssl_certfile=str(pki['client'])))
    assert zk.probe('127.0.0.1', server.port, 2, context=with_cert)['mode'] == 'follower'


def test_probe_plaintext_port_with_tls(tmp_path: Path) -> None:
    # A plaintext server that hangs up on what it cannot read, as ZooKeeper's clientPort does on a ClientHello.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(('127.0.0.1', 0))
    listener.listen(1)

    def hang_up() -> None:
        conn, _peer = listener.accept()
        conn.recv(1024)
        conn.close()

    thread = threading.Thread(target=hang_up, daemon=True)
    thread.start()
    try:
        result = zk.probe('127.0.0.1', listener.getsockname()[1], 2, context=ssl.create_default_context())
    finally:
        thread.join(5)
        listener.close()
    assert result['mode'] == 'unreachable'
    assert result['error'].startswith('TLS handshake failed: ')
    assert result['error'].endswith('(does the port serve TLS? ZooKeeper serves TLS on its secureClientPort, not on its clientPort)')


def test_context_from_unusable_files(tmp_path: Path) -> None:
    empty = tmp_path / 'empty.pem'
    empty.write_text('no certificate here\n')
    with pytest.raises(TlsConfigError, match=r'^ssl_cafile=%s holds no usable CA certificate \(PEM\): ' % empty):
        client_ssl_context(params(ssl=True, ssl_cafile=str(empty)))
    with pytest.raises(TlsConfigError, match=r'^ssl_certfile=%s: cannot load the client certificate and its private key' % empty):
        client_ssl_context(params(ssl=True, ssl_certfile=str(empty)))
