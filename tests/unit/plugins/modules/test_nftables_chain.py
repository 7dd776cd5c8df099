"""nftables_chain against a fake nft (run_command): when it loads, what it writes, check mode, absent."""

from __future__ import annotations

import json

import pytest

from ansible.module_utils import basic

from ansible_collections.streamops.kafka.plugins.module_utils import _nftables as nft
from ansible_collections.streamops.kafka.plugins.modules import nftables_chain

from module_harness import exit_json, fail_json, run_main

RULES = [{"name": "quorum", "ports": [2888, 3888], "sources": ["192.0.2.11", "192.0.2.12"]}]


class FakeNft:
    """The kernel's chain as the last loaded script (None: no chain); `nft -j list chain` lists it."""

    def __init__(self):
        self.chain = None
        self.calls = []

    def __call__(self, _module, args, **_kw):
        self.calls.append(args[1:])
        if args[1:3] == ["-j", "list"]:
            if self.chain is None:
                return 1, "", "Error: No such file or directory"
            items = [{"chain": {"name": args[-1], "handle": len(self.calls)}}, {"rule": {"text": self.chain}}]
            return 0, json.dumps({"nftables": items}), ""
        if args[1] == "-f":
            with open(args[2]) as f:
                self.chain = f.read()
            return 0, "", ""
        if args[1] == "delete":
            self.chain = None
            return 0, "", ""
        raise AssertionError(args)

    def loads(self):
        return sum(1 for c in self.calls if c[0] in ("-f", "delete"))


@pytest.fixture
def fake(monkeypatch):
    f = FakeNft()
    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)

    def run_command(self, args, **kw):
        return f(self, args, **kw)

    monkeypatch.setattr(basic.AnsibleModule, "run_command", run_command)
    monkeypatch.setattr(basic.AnsibleModule, "get_bin_path", lambda *_a, **_k: "/usr/sbin/nft")
    return f


def _run(tmp_path, check=False, **args):
    args.setdefault("chain", "zookeeper")
    args.setdefault("path", str(tmp_path / "zookeeper.nft"))
    if check:
        args["_ansible_check_mode"] = True
    return run_main(nftables_chain, args)


def test_loads_once_then_is_idempotent(fake, tmp_path):
    failed, r = _run(tmp_path, check=True, rules=RULES)
    assert (failed, r["changed"], fake.loads()) == (False, True, 0)
    assert not (tmp_path / "zookeeper.nft").exists()
    failed, r = _run(tmp_path, rules=RULES)
    assert (failed, r["changed"], fake.loads()) == (False, True, 1)
    body, digest = nft.split_file((tmp_path / "zookeeper.nft").read_text())
    assert body == fake.chain and digest
    assert r["rules"][-1] == {"kind": "drop", "protocol": "tcp", "ports": [2888, 3888]}
    failed, r = _run(tmp_path, rules=RULES)
    assert (failed, r["changed"], fake.loads()) == (False, False, 1)


def test_a_chain_changed_or_deleted_by_hand_is_put_back(fake, tmp_path):
    _run(tmp_path, rules=RULES)
    fake.chain = "something else"
    failed, r = _run(tmp_path, rules=RULES)
    assert (failed, r["changed"], fake.loads()) == (False, True, 2)
    fake.chain = None
    failed, r = _run(tmp_path, rules=RULES)
    assert (r["changed"], fake.loads()) == (True, 3)


def test_new_rules_reload(fake, tmp_path):
    _run(tmp_path, rules=RULES)
    failed, r = _run(tmp_path, rules=RULES + [{"name": "clients", "ports": [2181], "sources": ["any"]}])
    assert (r["changed"], fake.loads()) == (False, 1)  # an open port adds nothing to the chain
    failed, r = _run(tmp_path, rules=[dict(RULES[0], sources=["192.0.2.11"])])
    assert (r["changed"], fake.loads()) == (True, 2)
    assert "192.0.2.12" not in fake.chain


def test_absent_deletes_chain_and_file(fake, tmp_path):
    _run(tmp_path, rules=RULES)
    failed, r = _run(tmp_path, state="absent")
    assert (r["changed"], fake.chain, (tmp_path / "zookeeper.nft").exists()) == (True, None, False)
    failed, r = _run(tmp_path, state="absent")
    assert r["changed"] is False


@pytest.mark.parametrize("args, expected", [
    ({"rules": [{"ports": [2181], "sources": ["10.0.0.300"]}]},
     "nftables_chain zookeeper: rule 1: source '10.0.0.300' is not an address or CIDR (nor 'any')"),
    ({"chain": "zoo-keeper", "rules": []},
     "nftables_chain zoo-keeper: chain 'zoo-keeper' is not an nftables name"),
])
def test_bad_input_is_refused_before_nft_runs(fake, tmp_path, args, expected):
    failed, r = _run(tmp_path, **args)
    assert failed and r["msg"].startswith(expected), r
    assert fake.calls == []
