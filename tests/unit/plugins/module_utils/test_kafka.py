# -*- coding: utf-8 -*-
# Copyright: (c) 2025, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Unit tests of plugins/module_utils/_kafka.py: connection options, client kwargs, error descriptions."""

from __future__ import annotations

import pytest

from ansible_collections.streamops.kafka.plugins.module_utils import _kafka as k


def params(**overrides):
    base = dict(
        bootstrap_servers=['127.0.0.1:9092'], security_protocol='PLAINTEXT', ssl_cafile=None,
        ssl_certfile=None, ssl_keyfile=None, ssl_password=None, ssl_check_hostname=True,
        sasl_mechanism=None, sasl_plain_username=None, sasl_plain_password=None,
        request_timeout_ms=30000, api_version=None,
    )
    base.update(overrides)
    return base


# -- argument spec -------------------------------------------------------------

def test_common_spec_has_every_connection_option():
    spec = k.kafka_common_argument_spec()
    assert set(spec) == {
        'bootstrap_servers', 'security_protocol', 'ssl_cafile', 'ssl_certfile', 'ssl_keyfile',
        'ssl_password', 'ssl_check_hostname', 'sasl_mechanism', 'sasl_plain_username',
        'sasl_plain_password', 'request_timeout_ms', 'api_version'}
    assert spec['bootstrap_servers'] == dict(type='list', elements='str', required=True)
    assert spec['ssl_password']['no_log'] is True
    assert spec['sasl_plain_password']['no_log'] is True
    assert spec['security_protocol']['choices'] == ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL']
    assert spec['sasl_mechanism']['choices'] == ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']


def test_common_spec_returns_a_fresh_dict():
    first = k.kafka_common_argument_spec()
    first['name'] = dict(type='str')
    assert 'name' not in k.kafka_common_argument_spec()


def test_spec_matches_doc_fragment():
    import yaml
    from ansible_collections.streamops.kafka.plugins.doc_fragments.kafka import ModuleDocFragment

    doc = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']
    spec = k.kafka_common_argument_spec()
    assert set(doc) == set(spec)
    for name, option in spec.items():
        assert doc[name]['type'] == option['type'], name
        assert doc[name].get('default') == option.get('default'), name
        assert doc[name].get('choices') == option.get('choices'), name
        assert doc[name].get('required', False) == option.get('required', False), name


# -- api_version -----------------------------------------------------------------

@pytest.mark.parametrize('text, expected', [
    ('3.9', (3, 9)), ('2.8.1', (2, 8, 1)), (' 3.7 ', (3, 7)), (None, None), ('', None),
])
def test_parse_api_version(text, expected):
    assert k.parse_api_version(text) == expected


@pytest.mark.parametrize('text', ['3', 'three', '3.x', '3.9.1.2', 'v3.9'])
def test_parse_api_version_rejects_garbage_naming_it(text):
    with pytest.raises(ValueError, match=r"api_version must look like '3.9'.*%r" % text):
        k.parse_api_version(text)


# -- client kwargs ------------------------------------------------------------------

def test_client_kwargs_plaintext_minimal():
    kwargs = k.client_kwargs(params(bootstrap_servers=[' a:9092 ', 'b:9092', '']))
    assert kwargs == dict(bootstrap_servers=['a:9092', 'b:9092'], security_protocol='PLAINTEXT',
                          request_timeout_ms=30000, bootstrap_timeout_ms=30000, client_id='streamops.kafka')


def test_client_kwargs_api_version_tuple():
    assert k.client_kwargs(params(api_version='3.9'))['api_version'] == (3, 9)


def test_client_kwargs_ssl_passes_files_and_hostname_check():
    kwargs = k.client_kwargs(params(security_protocol='SSL', ssl_cafile='/ca.pem', ssl_certfile='/c.pem',
                                    ssl_keyfile='/k.pem', ssl_password='pw', ssl_check_hostname=False))
    assert kwargs['ssl_cafile'] == '/ca.pem'
    assert kwargs['ssl_certfile'] == '/c.pem'
    assert kwargs['ssl_keyfile'] == '/k.pem'
    assert kwargs['ssl_password'] == 'pw'
    assert kwargs['ssl_check_hostname'] is False
    assert 'sasl_mechanism' not in kwargs


def test_client_kwargs_sasl_ssl():
    kwargs = k.client_kwargs(params(security_protocol='SASL_SSL', sasl_mechanism='SCRAM-SHA-512',
                                    sasl_plain_username='admin', sasl_plain_password='secret',
                                    ssl_cafile='/ca.pem'))
    assert kwargs['sasl_mechanism'] == 'SCRAM-SHA-512'
    assert kwargs['sasl_plain_username'] == 'admin'
    assert kwargs['sasl_plain_password'] == 'secret'
    assert kwargs['ssl_cafile'] == '/ca.pem'


@pytest.mark.parametrize('overrides, message', [
    (dict(bootstrap_servers=[]), 'bootstrap_servers must name at least one'),
    (dict(bootstrap_servers=['  ']), 'bootstrap_servers must name at least one'),
    (dict(request_timeout_ms=0), 'request_timeout_ms must be a positive number.*0'),
    (dict(security_protocol='SASL_PLAINTEXT'), 'security_protocol=SASL_PLAINTEXT requires sasl_mechanism'),
    (dict(security_protocol='SASL_SSL', sasl_mechanism='PLAIN'), 'sasl_mechanism=PLAIN requires sasl_plain_username'),
    (dict(sasl_mechanism='PLAIN'), 'sasl_mechanism=PLAIN requires security_protocol SASL_PLAINTEXT or SASL_SSL'),
    (dict(ssl_cafile='/ca.pem'), 'ssl_cafile=/ca.pem is only used with security_protocol SSL'),
    (dict(security_protocol='TLS'), "security_protocol must be one of .*'TLS'"),
    (dict(api_version='three'), "api_version must look like"),
])
def test_client_kwargs_inconsistent(overrides, message):
    with pytest.raises(ValueError, match=message):
        k.client_kwargs(params(**overrides))


# -- errors ------------------------------------------------------------------------------------

def test_error_from_code():
    assert k.error_from_code(0) is None
    assert k.error_from_code(None) is None
    assert k.error_from_code(36, "Topic 'x' already exists.") == "TopicAlreadyExistsError(36): Topic 'x' already exists."
    assert k.error_from_code(38).startswith('InvalidReplicationFactorError(38)')


def test_describe_error():
    assert k.describe_error(ValueError('boom')) == 'ValueError: boom'
    assert k.describe_error(ValueError()) == 'ValueError'
    from kafka import errors
    assert k.describe_error(errors.KafkaConnectionError()) == 'KafkaConnectionError'
    assert k.describe_error(errors.KafkaTimeoutError('late')) == 'KafkaTimeoutError: late'


# -- retries -------------------------------------------------------------------------------------

class Flaky:
    """Raises the given errors one per call, then answers."""

    def __init__(self, *errors):
        self.errors = list(errors)
        self.calls = 0

    def __call__(self):
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return 'answer'


def test_call_retrying_retries_retriable_errors():
    from kafka import errors
    call = Flaky(errors.KafkaConnectionError('111 ECONNREFUSED'), errors.NotControllerError())
    assert k.call_retrying(call, 5000, pause=0.01) == 'answer'
    assert call.calls == 3


def test_call_retrying_raises_other_errors_at_once():
    from kafka import errors
    call = Flaky(errors.ClusterAuthorizationFailedError(), errors.KafkaConnectionError())
    with pytest.raises(errors.ClusterAuthorizationFailedError):
        k.call_retrying(call, 5000, pause=0.01)
    assert call.calls == 1
    call = Flaky(ValueError('bad'))
    with pytest.raises(ValueError):
        k.call_retrying(call, 5000, pause=0.01)
    assert call.calls == 1


def test_call_retrying_gives_up_at_the_timeout():
    from kafka import errors
    call = Flaky(*[errors.KafkaConnectionError('refused %d' % i) for i in range(100)])
    with pytest.raises(errors.KafkaConnectionError):
        k.call_retrying(call, 100, pause=0.03)
    assert 2 <= call.calls <= 5


def test_connect_admin_names_the_logged_connection_errors(monkeypatch):
    """A failed bootstrap only says 'Unable to bootstrap'; the TLS or SASL reason kafka-python logged is added."""
    import logging

    from ansible_collections.streamops.kafka.plugins.module_utils import _kafka as k

    class Failed(Exception):
        pass

    def open_admin(_kwargs):
        log = logging.getLogger('kafka.net.connection')
        for reason in ('KafkaConnectionError: socket disconnected',
                       '[Error 58] SaslAuthenticationFailedError: invalid credentials',
                       'KafkaConnectionError: socket disconnected'):
            log.error('<KafkaConnection node_id=bootstrap-0>: Connection lost: %s', reason)
        log.warning('Bootstrap connection failed: not collected')
        raise k.kafka_errors.KafkaTimeoutError("Unable to bootstrap from ['b1:9093']")

    class Module:
        params = dict(bootstrap_servers=['b1:9093'], security_protocol='PLAINTEXT')

        def fail_json(self, msg, **_kw):
            raise Failed(msg)

    monkeypatch.setattr(k, 'open_admin', open_admin)
    with pytest.raises(Failed) as failed:
        k.connect_admin(Module())
    assert str(failed.value) == (
        "Cannot connect to Kafka bootstrap servers b1:9093 (security_protocol=PLAINTEXT): KafkaTimeoutError: "
        "Unable to bootstrap from ['b1:9093'] (connection errors: [Error 58] SaslAuthenticationFailedError: "
        "invalid credentials; KafkaConnectionError: socket disconnected)")
    assert not any(isinstance(h, k.ConnectionErrors) for h in logging.getLogger('kafka').handlers)
