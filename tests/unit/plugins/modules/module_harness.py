"""Run a module's main() in-process: module args patched in, exit_json/fail_json turned into exceptions."""

from __future__ import annotations

import contextlib
import json
import typing as t

import pytest

from ansible.module_utils import basic

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19
    @contextlib.contextmanager
    def patch_module_args(args: dict[str, t.Any] | None = None) -> t.Iterator[None]:
        serialized = json.dumps({'ANSIBLE_MODULE_ARGS': args or {}}).encode('utf-8')
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(basic, '_ANSIBLE_ARGS', serialized)
            yield

__all__ = ['AdminRun', 'ExitJson', 'FailJson', 'exit_json', 'fail_json', 'patch_module_args', 'run_main']


class ExitJson(Exception):
    pass


class FailJson(Exception):
    pass


def exit_json(_self: t.Any, **kwargs: t.Any) -> None:
    kwargs.setdefault('changed', False)
    raise ExitJson(kwargs)


def fail_json(_self: t.Any, msg: str, **kwargs: t.Any) -> None:
    kwargs['failed'] = True
    kwargs['msg'] = msg
    raise FailJson(kwargs)


def run_main(module: t.Any, args: dict[str, t.Any]) -> tuple[bool, dict[str, t.Any]]:
    """Run ``module.main()`` with ``args``; return (failed, result). exit_json/fail_json must be patched."""
    with patch_module_args(args):
        try:
            module.main()
        except ExitJson as exc:
            return False, exc.args[0]
        except FailJson as exc:
            return True, exc.args[0]
    raise AssertionError('main() returned without exit_json or fail_json')


class AdminRun:
    """A Kafka module's main() against a fake admin client: ``run(check=False, diff=False, **args)``.

    Patches exit_json/fail_json and the module's ``connect_admin`` (counting connections in
    ``connected``); ``bootstrap_servers`` defaults to one loopback address.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch, module: t.Any, admin: t.Any) -> None:
        self.monkeypatch = monkeypatch
        self.module = module
        self.admin = admin
        self.connected = 0
        monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
        monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)

        def connect(_module: t.Any) -> t.Any:
            self.connected += 1
            return self.admin

        monkeypatch.setattr(module, 'connect_admin', connect)

    def __call__(self, check: bool = False, diff: bool = False, **args: t.Any) -> tuple[bool, dict[str, t.Any]]:
        args.setdefault('bootstrap_servers', ['127.0.0.1:9092'])
        if check:
            args['_ansible_check_mode'] = True
        if diff:
            args['_ansible_diff'] = True
        return run_main(self.module, args)
