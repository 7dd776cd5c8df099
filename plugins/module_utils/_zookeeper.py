# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.
"""Private helpers for the ZooKeeper modules of streamops.kafka.

This module is private to the collection (leading underscore): its API may change
without notice.  Everything except the two socket functions (:func:`four_letter_word`
and :func:`probe`) is pure and side-effect free so that it can be unit tested on
canned answers of every ZooKeeper release.

The probing uses ZooKeeper's documented "four letter words" (4lw): the client sends
four ASCII bytes (``srvr``, ``mntr``) on the client port and the server answers with
plain text, then closes the connection.  A TLS client port (``secureClientPort``) answers
them the same way inside the TLS connection (see ``_zookeeper_tls``).
"""

from __future__ import annotations

import re
import socket
import ssl
import typing as t

from ansible_collections.streamops.kafka.plugins.module_utils._zookeeper_tls import TlsError, describe_tls_error

# Every mode a server can be reported in.
MODES = ('leader', 'follower', 'observer', 'standalone', 'unreachable', 'not_serving')

NOT_SERVING_TEXT = 'This ZooKeeper instance is not currently serving requests'
WHITELIST_TEXT = 'is not executed because it is not in the whitelist'

# Keys of a probed server, in a stable order; every key is always present.
SERVER_KEYS = (
    'address', 'mode', 'zxid', 'epoch', 'version', 'latency', 'connections',
    'outstanding', 'node_count', 'error',
    'followers', 'synced_followers', 'pending_syncs', 'znode_count', 'watch_count',
    'approximate_data_size', 'open_file_descriptor_count',
)

# mntr key -> result key.  ZooKeeper < 3.6 names the number of learners
# ``zk_followers``; 3.6 and later ``zk_learners``.
MNTR_FIELDS = (
    ('zk_learners', 'followers'),
    ('zk_followers', 'followers'),
    ('zk_synced_followers', 'synced_followers'),
    ('zk_pending_syncs', 'pending_syncs'),
    ('zk_znode_count', 'znode_count'),
    ('zk_watch_count', 'watch_count'),
    ('zk_approximate_data_size', 'approximate_data_size'),
    ('zk_open_file_descriptor_count', 'open_file_descriptor_count'),
)
# Figures that only the leader reports.
LEADER_ONLY_FIELDS = ('followers', 'synced_followers', 'pending_syncs')

MAX_ANSWER_BYTES = 1024 * 1024

_HOST_RE = re.compile(r'^[A-Za-z0-9_.\-]+$')
_INT_RE = re.compile(r'^-?\d+$')
_FLOAT_RE = re.compile(r'^-?\d+\.\d+(?:[eE][-+]?\d+)?$|^-?\d+[eE][-+]?\d+$')


class AddressError(ValueError):
    """A ``host:port`` string that cannot be used."""


def parse_address(value: t.Any) -> tuple[str, int]:
    """Split ``host:port`` (or ``[ipv6]:port``) into ``(host, port)``.

    Raises :class:`AddressError` with a message naming the value when it is not usable.
    """
    if not isinstance(value, str):
        raise AddressError('invalid server address %r: expected a "host:port" string' % (value,))
    text = value
    if text != text.strip() or not text:
        raise AddressError('invalid server address %r: expected "host:port" without blanks' % (value,))
    if text.startswith('['):
        end = text.find(']')
        if end < 0:
            raise AddressError('invalid server address %r: missing "]" after the IPv6 address' % (value,))
        host = text[1:end]
        rest = text[end + 1:]
        if not rest.startswith(':'):
            raise AddressError('invalid server address %r: expected "[address]:port"' % (value,))
        port_text = rest[1:]
        if not host:
            raise AddressError('invalid server address %r: empty host' % (value,))
        if ':' not in host or not re.match(r'^[0-9A-Fa-f:.]+(%[A-Za-z0-9_.\-]+)?$', host):
            raise AddressError('invalid server address %r: %r is not an IPv6 address' % (value, host))
    else:
        if text.count(':') > 1:
            raise AddressError(
                'invalid server address %r: write IPv6 addresses in brackets, e.g. "[::1]:2181"' % (value,))
        host, sep, port_text = text.partition(':')
        if not sep:
            raise AddressError('invalid server address %r: missing ":port"' % (value,))
        if not host:
            raise AddressError('invalid server address %r: empty host' % (value,))
        if not _HOST_RE.match(host):
            raise AddressError('invalid server address %r: %r is not a valid host name' % (value, host))
    if not port_text.isdigit() or not port_text.isascii():
        raise AddressError('invalid server address %r: port %r is not a number' % (value, port_text))
    port = int(port_text)
    if not 1 <= port <= 65535:
        raise AddressError('invalid server address %r: port %d is not in 1-65535' % (value, port))
    return host, port


def _number(text: str) -> t.Any:
    """Convert a figure printed by ZooKeeper to int or float; other text is returned as is."""
    text = text.strip()
    if _INT_RE.match(text):
        return int(text)
    if _FLOAT_RE.match(text):
        return float(text)
    if text in ('NaN', 'Infinity', '-Infinity'):
        return None
    return text


def _int_or_none(text: str) -> int | None:
    text = text.strip()
    if _INT_RE.match(text):
        return int(text)
    return None


def empty_server(address: str | None = None) -> dict[str, t.Any]:
    """A server record with every key present and no figure known."""
    record: dict[str, t.Any] = dict.fromkeys(SERVER_KEYS)
    record['address'] = address
    return record


def _refusal(text: str) -> str | None:
    """The refusal of a 4lw command (whitelist or not serving), or None."""
    stripped = text.strip()
    first = stripped.splitlines()[0].strip() if stripped else ''
    if WHITELIST_TEXT in first:
        word = first.split(' ', 1)[0]
        return ('the server refused "%s": it is not in the whitelist (4lw.commands.whitelist); '
                'answer: "%s"' % (word, first))
    for line in stripped.splitlines():
        if line.strip() == NOT_SERVING_TEXT:
            return 'not serving requests (no quorum or still starting): "%s"' % NOT_SERVING_TEXT
    return None


def parse_srvr(text: str | None) -> dict[str, t.Any]:
    """Parse the answer to ``srvr``.

    Returns a dict with the keys of :data:`SERVER_KEYS` (``address`` None).  ``mode`` is
    ``not_serving`` with ``error`` set when the answer is a refusal, is empty, is cut
    short or does not say in which mode the server runs.
    """
    result = empty_server()
    if text is None or not text.strip():
        result['mode'] = 'not_serving'
        result['error'] = 'empty answer to "srvr" (the server closed the connection without answering)'
        return result
    refusal = _refusal(text)
    lines = text.splitlines()
    fields: dict[str, str] = {}
    for line in lines:
        key, sep, value = line.partition(':')
        if sep:
            fields[key.strip()] = value.strip()

    version = fields.get('Zookeeper version')
    if version:
        result['version'] = version.split(',', 1)[0].strip() or None

    if refusal is not None:
        result['mode'] = 'not_serving'
        result['error'] = refusal
        return result

    complete = text.endswith('\n')
    latency = fields.get('Latency min/avg/max')
    if latency is not None:
        parts = latency.split('/')
        values = [_number(part) for part in parts]
        if len(parts) == 3 and all(isinstance(v, (int, float)) for v in values):
            result['latency'] = {'min': values[0], 'avg': values[1], 'max': values[2]}
    for key, name in (('Connections', 'connections'), ('Outstanding', 'outstanding'),
                      ('Node count', 'node_count')):
        if key in fields:
            result[name] = _int_or_none(fields[key])
    zxid_text = fields.get('Zxid')
    if zxid_text is not None:
        try:
            zxid = int(zxid_text, 16) if zxid_text.lower().startswith('0x') else int(zxid_text)
        except ValueError:
            zxid = None
        if zxid is not None and zxid >= 0:
            result['zxid'] = zxid
            result['epoch'] = zxid >> 32
    mode = fields.get('Mode')

    missing = [key for key in ('Zookeeper version', 'Mode', 'Zxid', 'Node count') if key not in fields]
    if not complete or missing:
        result['mode'] = 'not_serving'
        what = 'the last line is cut off' if not complete else 'no %s line' % ', '.join(missing)
        result['error'] = 'truncated or unexpected answer to "srvr" (%s): %r' % (what, _tail(text))
        return result
    if mode in ('leader', 'follower', 'observer', 'standalone'):
        result['mode'] = mode
    elif mode == 'read-only':
        result['mode'] = 'not_serving'
        result['error'] = 'serves read-only requests only (it is cut off from the quorum)'
    else:
        result['mode'] = 'not_serving'
        result['error'] = 'unknown mode %r in the answer to "srvr"' % (mode,)
    if result['mode'] not in ('not_serving',) and result['zxid'] is None:
        result['mode'] = 'not_serving'
        result['error'] = 'unreadable Zxid %r in the answer to "srvr"' % (zxid_text,)
    return result


def _tail(text: str, size: int = 80) -> str:
    return text if len(text) <= size else '...' + text[-size:]


def parse_mntr(text: str | None) -> dict[str, t.Any]:
    """Parse the answer to ``mntr`` (tab separated ``key<TAB>value`` lines).

    Returns every key of the answer with its value converted to int or float where it is a
    number (``zk_version``, ``zk_server_state`` and other texts stay strings).  Returns an
    empty dict when the command was refused (whitelist, not serving) or the answer is empty.
    A line cut off at the end of a truncated answer is dropped.
    """
    values: dict[str, t.Any] = {}
    if text is None or not text.strip() or _refusal(text) is not None:
        return values
    lines = text.split('\n')
    if not text.endswith('\n'):
        lines = lines[:-1]  # the last line is cut off: its value cannot be trusted
    for line in lines:
        line = line.rstrip('\r')
        if not line.strip():
            continue
        if '\t' in line:
            key, value = line.split('\t', 1)
        else:
            parts = line.split(None, 1)
            if len(parts) != 2:
                continue
            key, value = parts
        key = key.strip()
        if not key.startswith('zk_'):
            continue
        values[key] = _number(value)
    return values


def mntr_figures(mntr: dict[str, t.Any]) -> dict[str, t.Any]:
    """Pick the figures this collection reports from a parsed ``mntr`` answer."""
    figures: dict[str, t.Any] = {}
    for key, name in MNTR_FIELDS:
        value = mntr.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and figures.get(name) is None:
            figures[name] = value
    return figures


class NoAnswer(Exception):
    """The server accepted the connection, then sent nothing within the timeout."""


def four_letter_word(host: str, port: int, word: str, timeout: float,
                     context: ssl.SSLContext | None = None) -> str:
    """Send a four letter word and read the answer until the server closes the connection.

    ``timeout`` bounds the connection and every read.  Raises :class:`OSError`
    (``socket.timeout``, ``ConnectionRefusedError``, ...) when no connection can be made;
    once connected, a write error, read timeout or reset ends the answer (which is then
    empty or cut off), and a read that times out before the first byte raises
    :class:`NoAnswer`.  With ``context`` the word goes over TLS (a ``secureClientPort``);
    a failed handshake, or a TLS alert instead of the answer (a client certificate refused
    under TLS 1.3), raises :class:`TlsError` saying why.
    """
    if len(word) != 4:
        raise ValueError('a four letter word has four letters: %r' % (word,))
    chunks: list[bytes] = []
    size = 0
    sock = socket.create_connection((host, port), timeout=timeout)
    try:
        sock.settimeout(timeout)
        if context is not None:
            try:
                sock = context.wrap_socket(sock, server_hostname=host)
            except OSError as exc:  # ssl.SSLError is an OSError, and so is a timeout or a reset
                raise TlsError(describe_tls_error(exc, timeout)) from exc
        try:
            sock.sendall(word.encode('ascii'))
        except ssl.SSLError as exc:
            raise TlsError(describe_tls_error(exc, timeout)) from exc
        except OSError:
            return ''  # connected, then dropped by the server: an empty answer
        while size < MAX_ANSWER_BYTES:
            try:
                chunk = sock.recv(65536)
            except (socket.timeout, ConnectionResetError) as exc:
                if not chunks and isinstance(exc, socket.timeout):
                    raise NoAnswer('no answer to "%s" within %gs' % (word, timeout)) from exc
                break
            except ssl.SSLError as exc:
                if chunks or isinstance(exc, (ssl.SSLEOFError, ssl.SSLZeroReturnError)):
                    break  # the end of the answer, without a clean TLS close
                raise TlsError(describe_tls_error(exc, timeout)) from exc
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        sock.close()
    return b''.join(chunks).decode('utf-8', 'replace')


def _connect_error(exc: BaseException, timeout: float) -> str:
    if isinstance(exc, socket.timeout):
        return 'connection timed out after %gs' % timeout
    if isinstance(exc, ConnectionRefusedError):
        return 'connection refused'
    if isinstance(exc, socket.gaierror):
        return 'cannot resolve host: %s' % (exc.strerror or exc,)
    return 'cannot connect: %s' % (getattr(exc, 'strerror', None) or exc,)


def probe(host: str, port: int, timeout: float, use_mntr: bool = True,
          context: ssl.SSLContext | None = None) -> dict[str, t.Any]:
    """Probe one server with ``srvr`` (and ``mntr`` when it is allowed), over TLS with ``context``.

    Never raises for network trouble: returns a server record (see :data:`SERVER_KEYS`,
    ``address`` None) whose ``mode`` is ``unreachable`` when no connection could be made
    (also when the TLS handshake fails: ``error`` says why), ``not_serving`` when the server
    did not answer.
    """
    result = empty_server()
    try:
        answer = four_letter_word(host, port, 'srvr', timeout, context=context)
    except TlsError as exc:
        result['mode'] = 'unreachable'
        result['error'] = str(exc)
        return result
    except NoAnswer as exc:
        result['mode'] = 'not_serving'
        result['error'] = str(exc)
        if context is None:
            result['error'] += (' (a TLS client port? ZooKeeper waits for a TLS handshake on its '
                                'secureClientPort: set ssl=true)')
        return result
    except (OSError, ValueError) as exc:
        result['mode'] = 'unreachable'
        result['error'] = _connect_error(exc, timeout)
        return result
    result = parse_srvr(answer)
    if use_mntr and result['mode'] in ('leader', 'follower', 'observer', 'standalone'):
        try:
            mntr = parse_mntr(four_letter_word(host, port, 'mntr', timeout, context=context))
        except (OSError, ValueError, TlsError, NoAnswer):
            mntr = {}
        figures = mntr_figures(mntr)
        for name, value in figures.items():
            if name in LEADER_ONLY_FIELDS and result['mode'] != 'leader':
                continue
            result[name] = value
    return result


def _join(addresses: t.Iterable[t.Any]) -> str:
    return ', '.join(addresses)


def evaluate(
    servers: list[dict[str, t.Any]],
    expected_voters: int | None = None,
    expected_observers: int | None = None,
) -> tuple[bool, str | None, list[str], dict[str, int]]:
    """Judge an ensemble from its probed servers.

    ``servers`` are records as returned by :func:`probe` with ``address`` set.  Returns
    ``(healthy, leader, problems, counts)``: ``leader`` is the address of the only leader
    (None when there is none, several, or a standalone server); ``problems`` are readable
    sentences naming the server concerned; ``counts`` maps every mode to its number of servers.
    """
    problems: list[str] = []
    counts: dict[str, int] = dict.fromkeys(MODES, 0)
    for server in servers:
        mode = server.get('mode')
        if mode not in counts:
            mode = 'not_serving'
        counts[mode] += 1
        if mode == 'unreachable':
            problems.append('%s: unreachable (%s)' % (server.get('address'), server.get('error') or 'no answer'))
        elif mode == 'not_serving':
            problems.append('%s: not serving (%s)' % (server.get('address'), server.get('error') or 'no reason given'))

    leaders = [s for s in servers if s.get('mode') == 'leader']
    standalones = [s for s in servers if s.get('mode') == 'standalone']
    leader: str | None = None

    # A single standalone server listed alone is a healthy one-server "ensemble";
    # listed with others it is not a member of their ensemble.
    lone_standalone = len(servers) == 1 and len(standalones) == 1
    if standalones and len(servers) > 1:
        for server in standalones:
            problems.append('%s: runs standalone, yet %d other servers are listed as members of the same ensemble'
                            % (server.get('address'), len(servers) - 1))

    if len(leaders) > 1:
        problems.append('split brain: %d servers claim to be the leader: %s'
                        % (len(leaders), _join(['%s (epoch %s)' % (s.get('address'), s.get('epoch'))
                                                for s in leaders])))
    elif len(leaders) == 1:
        leader = leaders[0].get('address')
        epoch = leaders[0].get('epoch')
        for server in servers:
            if server.get('mode') in ('follower', 'observer') and epoch is not None \
                    and server.get('epoch') is not None and server.get('epoch') > epoch:
                problems.append('%s: %s in epoch %s, newer than the epoch %s of the leader %s: '
                                'it follows another leader' % (server.get('address'), server.get('mode'),
                                                               server.get('epoch'), epoch, leader))
    elif not lone_standalone:
        serving = [s.get('address') for s in servers if s.get('mode') in ('follower', 'observer')]
        if serving:
            problems.append('no leader: none of the listed servers is the leader (%s serve as follower or observer)'
                            % _join(serving))
        else:
            problems.append('no leader: none of the listed servers is serving')

    voters = counts['leader'] + counts['follower'] + counts['standalone']
    if expected_voters is not None and voters != expected_voters:
        problems.append('expected %s voters (leader + followers), found %d serving: %s'
                        % (expected_voters, voters,
                           _join([s.get('address') for s in servers
                                  if s.get('mode') in ('leader', 'follower', 'standalone')]) or 'none'))
    if expected_observers is not None and counts['observer'] != expected_observers:
        problems.append('expected %s observers, found %s serving: %s'
                        % (expected_observers, counts['observer'],
                           _join([s.get('address') for s in servers if s.get('mode') == 'observer']) or 'none'))
    return not problems, leader, problems, counts
