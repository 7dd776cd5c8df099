# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.

"""Connection handling shared by the streamops.kafka modules (private module_utils).

The kafka-python import and version check, the connection options (defined
once here in ``kafka_common_argument_spec`` and documented once in the
``streamops.kafka.kafka`` doc fragment), the client keyword arguments built
from them, opening and closing clients, and readable error descriptions.

Topic configuration and names live in ``_kafka_config``, the shaping of
cluster metadata and health in ``_kafka_health``.  Private (leading
underscore): the API may change between releases without notice.
"""

from __future__ import annotations

import logging
import re
import time
import traceback
import typing as t

from ansible.module_utils.basic import missing_required_lib
from ansible.module_utils.compat.version import LooseVersion

from ansible_collections.streamops.kafka.plugins.module_utils._log_reasons import LoggedReasons

if t.TYPE_CHECKING:  # pragma: no cover
    from ansible.module_utils.basic import AnsibleModule

T = t.TypeVar('T')

KAFKA_IMPORT_ERROR: str | None
try:
    import kafka
    import kafka.errors as kafka_errors
    from kafka import TopicPartition  # noqa: F401  pylint: disable=unused-import
    from kafka.admin import (  # noqa: F401  pylint: disable=unused-import
        ACL,
        ACLFilter,
        ACLOperation,
        ACLPermissionType,
        ACLResourcePatternType,
        AlterConfigOp,
        ConfigResource,
        ConfigResourceType,
        KafkaAdminClient,
        ResourcePattern,
        ResourcePatternFilter,
        ResourceType,
        ScramMechanism,
        UserScramCredentialDeletion,
        UserScramCredentialUpsertion,
    )
except ImportError:  # pragma: no cover - exercised when the library is missing
    kafka = None  # type: ignore[assignment]
    kafka_errors = None  # type: ignore[assignment]
    TopicPartition = None  # type: ignore[assignment,misc]
    AlterConfigOp = ConfigResource = ConfigResourceType = None  # type: ignore[assignment,misc]
    KafkaAdminClient = None  # type: ignore[assignment,misc]
    ACL = ACLFilter = ACLOperation = ACLPermissionType = ACLResourcePatternType = None  # type: ignore[assignment,misc]
    ResourcePattern = ResourcePatternFilter = ResourceType = None  # type: ignore[assignment,misc]
    ScramMechanism = UserScramCredentialDeletion = UserScramCredentialUpsertion = None  # type: ignore[assignment,misc]
    HAS_KAFKA = False
    KAFKA_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_KAFKA = True
    KAFKA_IMPORT_ERROR = None

KAFKA_PYTHON_MIN_VERSION = '3.0.0'
KAFKA_PYTHON_MAX_VERSION = '4.0.0'

SECURITY_PROTOCOLS = ('PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL')
SASL_MECHANISMS = ('PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512')

_API_VERSION_RE = re.compile(r'^\d+(\.\d+){1,2}$')


def kafka_common_argument_spec() -> dict[str, dict[str, t.Any]]:
    """Connection options shared by every module of the collection.

    Keep in sync with ``plugins/doc_fragments/kafka.py``.
    """
    return dict(
        bootstrap_servers=dict(type='list', elements='str', required=True),
        security_protocol=dict(type='str', default='PLAINTEXT', choices=list(SECURITY_PROTOCOLS)),
        ssl_cafile=dict(type='path'),
        ssl_certfile=dict(type='path'),
        ssl_keyfile=dict(type='path'),
        ssl_password=dict(type='str', no_log=True),
        ssl_check_hostname=dict(type='bool', default=True),
        sasl_mechanism=dict(type='str', choices=list(SASL_MECHANISMS)),
        sasl_plain_username=dict(type='str'),
        sasl_plain_password=dict(type='str', no_log=True),
        request_timeout_ms=dict(type='int', default=30000),
        api_version=dict(type='str'),
    )


def parse_api_version(value: str | None) -> tuple[int, ...] | None:
    """Turn ``"3.9"`` into ``(3, 9)``; ``None``/empty stays ``None``."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if not _API_VERSION_RE.match(text):
        raise ValueError(
            "api_version must look like '3.9' or '2.8.1', got %r" % (value,))
    return tuple(int(part) for part in text.split('.'))


def client_kwargs(params: dict[str, t.Any]) -> dict[str, t.Any]:
    """Map module parameters to ``KafkaAdminClient`` keyword arguments.

    Pure function; raises ``ValueError`` with a message naming the offending
    option and value when the combination is inconsistent.
    """
    servers = [s.strip() for s in (params.get('bootstrap_servers') or []) if s and s.strip()]
    if not servers:
        raise ValueError('bootstrap_servers must name at least one host:port, got %r'
                         % (params.get('bootstrap_servers'),))
    protocol = params.get('security_protocol') or 'PLAINTEXT'
    if protocol not in SECURITY_PROTOCOLS:
        raise ValueError('security_protocol must be one of %s, got %r'
                         % (', '.join(SECURITY_PROTOCOLS), protocol))
    timeout = params.get('request_timeout_ms')
    if timeout is None:
        timeout = 30000
    if timeout <= 0:
        raise ValueError('request_timeout_ms must be a positive number of milliseconds, got %r' % (timeout,))

    kwargs: dict[str, t.Any] = dict(
        bootstrap_servers=servers,
        security_protocol=protocol,
        request_timeout_ms=timeout,
        bootstrap_timeout_ms=timeout,
        client_id='streamops.kafka',
    )
    api_version = parse_api_version(params.get('api_version'))
    if api_version is not None:
        kwargs['api_version'] = api_version

    if protocol in ('SSL', 'SASL_SSL'):
        kwargs['ssl_check_hostname'] = bool(params.get('ssl_check_hostname', True))
        for key in ('ssl_cafile', 'ssl_certfile', 'ssl_keyfile', 'ssl_password'):
            if params.get(key) is not None:
                kwargs[key] = params[key]
    else:
        for key in ('ssl_cafile', 'ssl_certfile', 'ssl_keyfile'):
            if params.get(key):
                raise ValueError('%s=%s is only used with security_protocol SSL or SASL_SSL, '
                                 'got security_protocol=%s' % (key, params[key], protocol))

    mechanism = params.get('sasl_mechanism')
    if protocol.startswith('SASL_'):
        if not mechanism:
            raise ValueError('security_protocol=%s requires sasl_mechanism (one of %s)'
                             % (protocol, ', '.join(SASL_MECHANISMS)))
        if mechanism not in SASL_MECHANISMS:
            raise ValueError('sasl_mechanism must be one of %s, got %r'
                             % (', '.join(SASL_MECHANISMS), mechanism))
        username = params.get('sasl_plain_username')
        password = params.get('sasl_plain_password')
        if not username or password is None:
            raise ValueError('sasl_mechanism=%s requires sasl_plain_username and sasl_plain_password'
                             % mechanism)
        kwargs.update(sasl_mechanism=mechanism, sasl_plain_username=username,
                      sasl_plain_password=password)
    elif mechanism:
        raise ValueError('sasl_mechanism=%s requires security_protocol SASL_PLAINTEXT or SASL_SSL, '
                         'got security_protocol=%s' % (mechanism, protocol))
    return kwargs


def check_kafka_library(module: AnsibleModule) -> None:
    """Fail the module unless a usable kafka-python 3.x is importable."""
    if not HAS_KAFKA:
        module.fail_json(msg=missing_required_lib('kafka-python'), exception=KAFKA_IMPORT_ERROR)
    version = getattr(kafka, '__version__', '0')
    if not (LooseVersion(KAFKA_PYTHON_MIN_VERSION) <= LooseVersion(version) < LooseVersion(KAFKA_PYTHON_MAX_VERSION)):
        module.fail_json(msg=missing_required_lib('kafka-python >= %s, < %s' % (
            KAFKA_PYTHON_MIN_VERSION, KAFKA_PYTHON_MAX_VERSION))
            + ' Found kafka-python %s.' % version)


def connect_admin(module: AnsibleModule) -> t.Any:
    """Return a connected ``KafkaAdminClient`` or fail the module."""
    check_kafka_library(module)
    try:
        kwargs = client_kwargs(module.params)
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    errors = ConnectionErrors()
    logger = logging.getLogger('kafka')
    logger.addHandler(errors)
    try:
        return open_admin(kwargs)
    except Exception as exc:  # pylint: disable=broad-except
        module.fail_json(
            msg='Cannot connect to Kafka bootstrap servers %s (security_protocol=%s): %s%s'
            % (','.join(kwargs['bootstrap_servers']), kwargs['security_protocol'], describe_error(exc),
               errors.summary()),
            exception=traceback.format_exc())
    finally:
        logger.removeHandler(errors)
    return None  # pragma: no cover - fail_json does not return


class ConnectionErrors(LoggedReasons):
    """Collects why kafka-python's connections failed while it bootstraps.

    A failed bootstrap raises ``KafkaTimeoutError: Unable to bootstrap`` whatever the cause;
    the cause (a TLS handshake refused, SCRAM credentials refused, the peer hanging up) is only
    logged.  ``summary()`` gives the last distinct ones, to append to the error message.
    """

    def __init__(self) -> None:
        super().__init__('Connection lost: ', logging.ERROR)


def open_admin(kwargs: dict[str, t.Any]) -> t.Any:
    """A ``KafkaAdminClient`` from ``client_kwargs``; raises what kafka-python raises (no broker up, ...)."""
    # kafka-python logs connection hiccups at WARNING; without a handler the
    # logging module would print them on stderr of the module.
    logging.getLogger('kafka').addHandler(logging.NullHandler())
    return KafkaAdminClient(**kwargs)


def close_admin(admin: t.Any) -> None:
    """Close a kafka-python client (admin, producer or consumer), ignoring errors on the way out."""
    if admin is None:
        return
    try:
        admin.close()
    except Exception:  # pylint: disable=broad-except
        pass


def call_retrying(call: t.Callable[[], T], timeout_ms: int, pause: float = 0.25) -> T:
    """``call()``, repeated while it raises a retriable Kafka error and ``timeout_ms`` has not passed.

    Retriable errors (``retriable = True`` in kafka-python: a connection
    refused by a broker that just went away but is still in the metadata, a
    request timed out, a controller or leader moving) say the next attempt may
    work; kafka-python's admin client does not retry them itself, and it picks
    another node after a failed connection.  Other errors, and the last
    retriable one, are raised.
    """
    deadline = time.monotonic() + timeout_ms / 1000.0
    while True:
        try:
            return call()
        except Exception as exc:  # pylint: disable=broad-except
            if not getattr(exc, 'retriable', False) or time.monotonic() + pause >= deadline:
                raise
        time.sleep(pause)


def describe_error(exc: BaseException) -> str:
    """Readable one-liner for an exception (kafka errors include their class)."""
    text = str(exc)
    name = exc.__class__.__name__
    if not text:
        return name
    if text.startswith(name):
        return text
    return '%s: %s' % (name, text)


def error_from_code(error_code: int | None, error_message: str | None = None) -> str | None:
    """``None`` for success, otherwise ``'ErrorName: message'`` for a Kafka error code."""
    if not error_code:
        return None
    if kafka_errors is not None:
        name = kafka_errors.for_code(error_code).__name__
    else:  # pragma: no cover
        name = 'KafkaError'
    name = '%s(%d)' % (name, error_code)
    if error_message:
        return '%s: %s' % (name, error_message)
    return name
