# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.

"""TLS options of the modules that talk to ZooKeeper (private module_utils).

The options are defined once here (``zookeeper_tls_argument_spec``) and documented once in the
``streamops.kafka.zookeeper_tls`` doc fragment; keep both in sync. They reach a ZooKeeper
``secureClientPort`` (``serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory``),
with a client certificate when the server sets ``ssl.clientAuth=need``.

Standard library only (``ssl``): ``zookeeper_ensemble_info`` runs on the ZooKeeper hosts, which
need no Python library. ``kafka_zookeeper_migration`` hands the same options to kazoo
(:func:`kazoo_tls_kwargs`). Everything here is pure apart from reading the PEM files in
:func:`client_ssl_context`.

Private (leading underscore): the API may change between releases without notice.
"""

from __future__ import annotations

import logging
import os
import socket
import ssl
import typing as t

from ansible_collections.streamops.kafka.plugins.module_utils._log_reasons import LoggedReasons

TLS_FILE_OPTIONS = ('ssl_cafile', 'ssl_certfile', 'ssl_keyfile')

# OpenSSL reasons of a TLS alert the server sends when it refuses the client's certificate, or
# wants one and got none (TLS 1.2: bad certificate during the handshake; TLS 1.3: certificate
# required, on the first read after the handshake).
_CLIENT_CERT_REFUSED = ('SSLV3_ALERT_BAD_CERTIFICATE', 'TLSV13_ALERT_CERTIFICATE_REQUIRED',
                        'SSLV3_ALERT_HANDSHAKE_FAILURE', 'TLSV1_ALERT_UNKNOWN_CA',
                        'SSLV3_ALERT_CERTIFICATE_UNKNOWN', 'TLSV1_ALERT_ACCESS_DENIED')
# ... and the reasons seen when the port does not speak TLS at all.
_NOT_TLS = ('WRONG_VERSION_NUMBER', 'UNEXPECTED_EOF_WHILE_READING', 'RECORD_LAYER_FAILURE',
            'PACKET_LENGTH_TOO_LONG', 'HTTP_REQUEST', 'UNKNOWN_PROTOCOL')


class TlsConfigError(ValueError):
    """A TLS option cannot be used (a file that is missing, unreadable, or holds no certificate/key)."""


class TlsError(Exception):
    """A TLS connection to a server failed; the message says why (see :func:`describe_tls_error`)."""


def zookeeper_tls_argument_spec() -> dict[str, dict[str, t.Any]]:
    """TLS options of the modules that connect to ZooKeeper.

    Keep in sync with ``plugins/doc_fragments/zookeeper_tls.py``.
    """
    return dict(
        ssl=dict(type='bool', default=False),
        ssl_cafile=dict(type='path'),
        ssl_certfile=dict(type='path'),
        ssl_keyfile=dict(type='path'),
        ssl_check_hostname=dict(type='bool', default=True),
    )


def tls_option_problems(params: dict[str, t.Any]) -> list[str]:
    """Why the TLS options cannot be used together, each naming the option and its value; [] when fine.

    File options need ``ssl=true``; ``ssl_keyfile`` needs ``ssl_certfile``; every file given must be
    a readable file (checked here so that the error names the option rather than a TLS library error).
    """
    problems = []
    if not params.get('ssl'):
        for key in TLS_FILE_OPTIONS:
            if params.get(key):
                problems.append('%s=%s is only used with ssl=true' % (key, params[key]))
        return problems
    if params.get('ssl_keyfile') and not params.get('ssl_certfile'):
        problems.append('ssl_keyfile=%s needs ssl_certfile, the client certificate of that key'
                        % params['ssl_keyfile'])
    for key in TLS_FILE_OPTIONS:
        path = params.get(key)
        if not path:
            continue
        if not os.path.isfile(path):
            problems.append('%s=%s: no such file' % (key, path))
        elif not os.access(path, os.R_OK):
            problems.append('%s=%s: the file is not readable by this user' % (key, path))
    return problems


def client_ssl_context(params: dict[str, t.Any]) -> ssl.SSLContext | None:
    """The ``ssl`` context of a client of a ZooKeeper TLS port; ``None`` without ``ssl``.

    Verifies the server's certificate against ``ssl_cafile`` (the system's CAs without it) and,
    with ``ssl_check_hostname``, that it names the address the server is reached by. With
    ``ssl_certfile`` it presents that certificate, its key read from ``ssl_keyfile`` or, without it,
    from ``ssl_certfile`` too (a PEM key store: the private key and the certificate chain in one file).
    Raises :class:`TlsConfigError` naming the option when a file holds no usable certificate or key.
    """
    if not params.get('ssl'):
        return None
    cafile = params.get('ssl_cafile') or None
    try:
        context = ssl.create_default_context(cafile=cafile)
    except (ssl.SSLError, OSError) as exc:
        raise TlsConfigError('ssl_cafile=%s holds no usable CA certificate (PEM): %s' % (cafile, _reason(exc))) from exc
    context.check_hostname = bool(params.get('ssl_check_hostname', True))
    certfile = params.get('ssl_certfile') or None
    if certfile:
        keyfile = params.get('ssl_keyfile') or None
        try:
            context.load_cert_chain(certfile, keyfile)
        except (ssl.SSLError, OSError) as exc:
            where = 'ssl_certfile=%s' % certfile + (', ssl_keyfile=%s' % keyfile if keyfile else '')
            raise TlsConfigError('%s: cannot load the client certificate and its private key (PEM, unencrypted): %s'
                                 % (where, _reason(exc))) from exc
    return context


def _reason(exc: BaseException) -> str:
    """The readable part of an ssl/OS error: OpenSSL's reason, or the OS error text."""
    reason = getattr(exc, 'reason', None)
    if isinstance(exc, ssl.SSLError) and reason:
        return reason
    return getattr(exc, 'strerror', None) or str(exc) or type(exc).__name__


def describe_tls_error(exc: BaseException, timeout: float | None = None) -> str:
    """One line saying why a TLS connection failed, with a hint at the usual cause.

    ``'TLS handshake failed: certificate verify failed: <OpenSSL's verify message>'`` for a
    certificate the CA did not sign or that does not name the host (``Hostname mismatch, ...``,
    ``IP address mismatch, ...``); a refused or missing client certificate, a port that does not
    speak TLS and a timeout are each named as such.
    """
    if isinstance(exc, ssl.SSLCertVerificationError):
        detail = getattr(exc, 'verify_message', None) or getattr(exc, 'reason', None) or str(exc)
        return 'TLS handshake failed: certificate verify failed: %s' % detail
    if isinstance(exc, ssl.SSLError):
        reason = getattr(exc, 'reason', None) or ''
        if reason in _CLIENT_CERT_REFUSED:
            return ('TLS handshake failed: the server refused the client certificate, or requires one '
                    '(ssl.clientAuth=need; set ssl_certfile to a certificate its trust store accepts): %s' % reason)
        if isinstance(exc, ssl.SSLEOFError) or reason in _NOT_TLS:
            return ('TLS handshake failed: %s (does the port serve TLS? ZooKeeper serves TLS on its '
                    'secureClientPort, not on its clientPort)' % _reason(exc))
        return 'TLS handshake failed: %s' % _reason(exc)
    if isinstance(exc, (socket.timeout, TimeoutError)):
        if timeout is not None:
            return 'TLS handshake timed out after %gs' % timeout
        return 'TLS handshake timed out'
    if isinstance(exc, (ConnectionResetError, BrokenPipeError)):
        return ('TLS handshake failed: the server closed the connection (does the port serve TLS? '
                'ZooKeeper serves TLS on its secureClientPort, not on its clientPort)')
    return 'TLS handshake failed: %s' % _reason(exc)


def kazoo_tls_kwargs(params: dict[str, t.Any]) -> dict[str, t.Any]:
    """``KazooClient`` keyword arguments (kazoo >= 2.9) for the TLS options; ``{}`` without ``ssl``.

    kazoo loads a client certificate only when both ``certfile`` and ``keyfile`` are given, so a PEM
    key store given as ``ssl_certfile`` alone is passed as both. Certificates are always verified.
    """
    if not params.get('ssl'):
        return {}
    certfile = params.get('ssl_certfile') or None
    return dict(
        use_ssl=True,
        ca=params.get('ssl_cafile') or None,
        certfile=certfile,
        keyfile=(params.get('ssl_keyfile') or certfile) if certfile else None,
        verify_certs=True,
        check_hostname=bool(params.get('ssl_check_hostname', True)),
    )


class KazooConnectionErrors(LoggedReasons):
    """Collects why kazoo's connection attempts failed, to name them when ``start()`` times out.

    kazoo retries a failed connection (a certificate refused, a TLS port reached without TLS) until
    its start timeout and only logs the cause, at WARNING, as ``Connection dropped: <why>``.
    """

    def __init__(self) -> None:
        super().__init__('Connection dropped: ', logging.WARNING)
