# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.

from __future__ import annotations


class ModuleDocFragment:
    """TLS options of the modules that connect to ZooKeeper (``streamops.kafka.zookeeper_tls``).

    Defined in code by ``zookeeper_tls_argument_spec()`` in
    ``plugins/module_utils/_zookeeper_tls.py``; keep both in sync.
    """

    DOCUMENTATION = r'''
options:
  ssl:
    description:
      - Connect to the servers over TLS, that is to their TLS client port (C(secureClientPort) in C(zoo.cfg),
        served with C(serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory)).
      - The servers' certificates are always verified, against O(ssl_cafile).
    type: bool
    default: false
    version_added: 1.3.0
  ssl_cafile:
    description:
      - PEM file of the certificate authorities that signed the servers' certificates (what the servers have
        as C(ssl.trustStore.location) when they use one private CA).
      - Without it the system's certificate authorities are trusted.
      - Only with O(ssl=true).
    type: path
    version_added: 1.3.0
  ssl_certfile:
    description:
      - PEM file with the client certificate (and its chain) to present, needed when the servers set
        C(ssl.clientAuth=need); the servers' C(ssl.trustStore) must trust its CA.
      - It may also hold the private key, before the certificates, as a ZooKeeper PEM key store does
        (C(ssl.keyStore.type=PEM)); then leave out O(ssl_keyfile).
      - Only with O(ssl=true).
    type: path
    version_added: 1.3.0
  ssl_keyfile:
    description:
      - PEM file with the unencrypted private key of O(ssl_certfile), when that file does not hold it.
      - Only with O(ssl=true) and O(ssl_certfile).
    type: path
    version_added: 1.3.0
  ssl_check_hostname:
    description:
      - Verify that each server's certificate names the host or IP address the server is reached by
        (a subject alternative name).
      - Set to V(false) only to reach servers by an address their certificates do not name; the certificate
        is still verified against O(ssl_cafile).
    type: bool
    default: true
    version_added: 1.3.0
'''
