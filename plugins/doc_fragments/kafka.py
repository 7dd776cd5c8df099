# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.

from __future__ import annotations


class ModuleDocFragment:
    """Connection options of every Kafka module (``streamops.kafka.kafka``).

    Defined in code by ``kafka_common_argument_spec()`` in
    ``plugins/module_utils/_kafka.py``; keep both in sync.
    """

    DOCUMENTATION = r'''
options:
  bootstrap_servers:
    description:
      - Kafka brokers to bootstrap the connection from, as C(host:port) strings.
      - One reachable broker is enough; the client discovers the others from the cluster metadata.
    type: list
    elements: str
    required: true
  security_protocol:
    description:
      - Protocol used to talk to the brokers.
      - V(SSL) and V(SASL_SSL) use the O(ssl_cafile), O(ssl_certfile), O(ssl_keyfile),
        O(ssl_password) and O(ssl_check_hostname) options.
      - V(SASL_PLAINTEXT) and V(SASL_SSL) need O(sasl_mechanism), O(sasl_plain_username)
        and O(sasl_plain_password).
    type: str
    choices: [PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL]
    default: PLAINTEXT
  ssl_cafile:
    description:
      - PEM file of the certificate authorities used to verify the brokers' certificates.
      - Only with O(security_protocol=SSL) or O(security_protocol=SASL_SSL).
    type: path
  ssl_certfile:
    description:
      - PEM file with the client certificate (and its chain) for TLS client authentication.
      - Only with O(security_protocol=SSL) or O(security_protocol=SASL_SSL).
    type: path
  ssl_keyfile:
    description:
      - PEM file with the private key of O(ssl_certfile).
      - Only with O(security_protocol=SSL) or O(security_protocol=SASL_SSL).
    type: path
  ssl_password:
    description:
      - Password of O(ssl_keyfile), when the key is encrypted.
    type: str
  ssl_check_hostname:
    description:
      - Verify that the broker's certificate matches the host name it is reached by.
    type: bool
    default: true
  sasl_mechanism:
    description:
      - SASL mechanism, required with O(security_protocol=SASL_PLAINTEXT) or O(security_protocol=SASL_SSL).
    type: str
    choices: [PLAIN, SCRAM-SHA-256, SCRAM-SHA-512]
  sasl_plain_username:
    description:
      - User name for the V(PLAIN) and V(SCRAM-*) mechanisms.
    type: str
  sasl_plain_password:
    description:
      - Password for the V(PLAIN) and V(SCRAM-*) mechanisms.
    type: str
  request_timeout_ms:
    description:
      - Timeout of one request to a broker, and of the first connection, in milliseconds.
      - Broker-side operations (create, delete, add partitions) are given 80% of it.
    type: int
    default: 30000
  api_version:
    description:
      - Kafka version to speak, as C(major.minor) or C(major.minor.patch), for example V(3.9).
      - By default the client asks the broker which API versions it supports.
    type: str
requirements:
  - kafka-python >= 3.0, < 4 (on the host that runs the module, usually the controller)
notes:
  - >-
    The modules talk to the Kafka admin API with kafka-python's C(KafkaAdminClient); they usually run on
    the controller (C(delegate_to: localhost) with C(run_once)) and need network access to the brokers.
'''
