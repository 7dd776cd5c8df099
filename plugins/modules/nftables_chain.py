#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.

from __future__ import annotations

DOCUMENTATION = r'''
---
module: nftables_chain
short_description: Let only the named sources reach a service's ports, in an nftables chain of our own
version_added: 1.4.0
description:
  - Keeps one input chain of the C(inet) table O(table) equal to O(rules). Each rule names ports and the
    sources (addresses or CIDRs) that may reach them; every other source is dropped on those ports. A port
    whose sources include C(any) is left open. Traffic on the loopback interface (the host itself) is accepted.
  - Never flushes the ruleset and never touches other tables or chains; the host's own firewall keeps its
    rules. A packet this chain accepts must still pass the host's other chains.
  - Writes the chain as an nft script to O(path) and loads it in one transaction, so the chain is replaced
    whole or not at all. The C(streamops-firewall) unit (role streamops.kafka.firewall) loads these files at boot.
  - Changes nothing when the file holds the same rules and the live chain still is what was loaded (rules
    changed by hand are put back).
author:
  - streamops engineering (@streamops)
options:
  chain:
    description: The chain, one per service (for example C(zookeeper), C(kafka)).
    type: str
    required: true
  rules:
    description:
      - Ports and who may reach them. Each item has C(ports) (a list of port numbers), C(sources) (a list of
        addresses or CIDRs, or C(any)), and optionally C(protocol) (C(tcp) or C(udp), default C(tcp)) and C(name).
      - A port listed by several rules may be reached by the sources of all of them.
    type: list
    elements: dict
    default: []
  table:
    description: The nftables table (family C(inet)) holding the chains of this collection.
    type: str
    default: streamops
  priority:
    description: The input hook priority of the chain.
    type: int
    default: -10
  path:
    description: The script file; default C(/etc/streamops/nftables.d/<chain>.nft).
    type: path
  state:
    description: C(absent) deletes the chain and its file.
    type: str
    choices: [present, absent]
    default: present
attributes:
  check_mode:
    support: full
    description: Reports whether the chain would change.
  diff_mode:
    support: full
    description: Returns the chain's script before and after.
requirements:
  - nft (Debian package nftables)
seealso:
  - module: community.general.nftables
  - name: nftables wiki, simple ruleset for a server
    description: Input chains, priorities and sets as nft writes them.
    link: https://wiki.nftables.org/wiki-nftables/index.php/Simple_ruleset_for_a_server
'''

EXAMPLES = r'''
- name: ZooKeeper's quorum ports to the ensemble only, the client port to the brokers
  streamops.kafka.nftables_chain:
    chain: zookeeper
    rules:
      - name: quorum
        ports: [2888, 3888]
        sources: [192.0.2.11, 192.0.2.12, 192.0.2.13]
      - name: clients
        ports: [2181]
        sources: [192.0.2.0/24]
'''

RETURN = r'''
rules:
  description: The chain's steps as data, accept groups first, then the guarded ports that are dropped.
  returned: always
  type: list
  elements: dict
  sample: [{kind: accept, protocol: tcp, ports: [2888, 3888], v4: [192.0.2.11], v6: [], names: [quorum]},
           {kind: drop, protocol: tcp, ports: [2181, 2888, 3888]}]
path:
  description: The script file.
  returned: always
  type: str
  sample: /etc/streamops/nftables.d/zookeeper.nft
'''

import os
import tempfile

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.streamops.kafka.plugins.module_utils import _nftables as nft

HEADER = ("Written by streamops.kafka (nftables_chain); loaded at boot by streamops-firewall.service.\n"
          "Edit the inventory, not this file: the next converge puts it back.")


def _read(path):
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return None


def _write(module, path, text):
    d = os.path.dirname(path)
    os.makedirs(d, mode=0o755, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".%s." % os.path.basename(path))
    with os.fdopen(fd, "w") as f:
        f.write(text)
    module.atomic_move(tmp, path)
    os.chmod(path, 0o644)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            chain=dict(type="str", required=True),
            rules=dict(type="list", elements="dict", default=[]),
            table=dict(type="str", default="streamops"),
            priority=dict(type="int", default=-10),
            path=dict(type="path"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
        supports_check_mode=True,
    )
    p = module.params
    problems = [x for x in (nft.ident_problem("table", p["table"]), nft.ident_problem("chain", p["chain"])) if x]
    if p["state"] == "present":
        problems += nft.rule_problems(p["rules"])
    if problems:
        module.fail_json(msg="nftables_chain %s: %s" % (p["chain"], "; ".join(problems)))
    path = p["path"] or "/etc/streamops/nftables.d/%s.nft" % p["chain"]
    binary = module.get_bin_path("nft", required=True)

    def run(*args, check=True):
        rc, out, err = module.run_command([binary] + list(args))
        if check and rc != 0:
            module.fail_json(msg="nft %s failed (rc %d): %s" % (" ".join(args), rc, err.strip() or out.strip()))
        return rc, out

    rc, live = run("-j", "list", "chain", "inet", p["table"], p["chain"], check=False)
    live_digest = nft.live_digest(live) if rc == 0 else None
    old_body, recorded = nft.split_file(_read(path))
    result = dict(changed=False, path=path, rules=[])

    if p["state"] == "absent":
        result["changed"] = live_digest is not None or old_body is not None
        result["diff"] = dict(before=old_body or "", after="")
        if result["changed"] and not module.check_mode:
            if live_digest is not None:
                run("delete", "chain", "inet", p["table"], p["chain"])
            if old_body is not None:
                os.unlink(path)
        module.exit_json(**result)

    body = nft.render(p["table"], p["chain"], p["priority"], p["rules"], HEADER)
    result["rules"] = nft.plan(p["rules"])
    result["changed"] = body != old_body or live_digest is None or live_digest != recorded
    result["diff"] = dict(before=old_body or "", after=body)
    if result["changed"] and not module.check_mode:
        with tempfile.NamedTemporaryFile("w", suffix=".nft") as f:
            f.write(body)
            f.flush()
            run("-f", f.name)
        live = run("-j", "list", "chain", "inet", p["table"], p["chain"])[1]
        _write(module, path, nft.with_digest(body, nft.live_digest(live) or ""))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
