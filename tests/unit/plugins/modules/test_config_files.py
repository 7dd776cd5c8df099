"""config_files against real files in a temporary directory (the module's whole job is the filesystem)."""

from __future__ import annotations

import os
import stat

import pytest

from ansible.module_utils import basic

from ansible_collections.streamops.kafka.plugins.modules import config_files
from module_harness import exit_json, fail_json, run_main


@pytest.fixture(autouse=True)
def _patch_exits(monkeypatch):
    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)


def run(files, check=False, diff=False, directories=None):
    args = {'files': files, '_ansible_check_mode': check, '_ansible_diff': diff}
    if directories is not None:
        args['directories'] = directories
    return run_main(config_files, args)


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_creates_then_changes_nothing(tmp_path):
    a, b = tmp_path / 'a.properties', tmp_path / 'b.service'
    files = [{'dest': str(a), 'content': 'x=1\n', 'mode': '0640'}, {'dest': str(b), 'content': '[Unit]\n', 'mode': '0644'}]
    failed, result = run(files)
    assert not failed and result['changed']
    assert result['changed_files'] == [str(a), str(b)]
    assert [e['created'] for e in result['files']] == [True, True]
    assert a.read_text() == 'x=1\n' and mode_of(a) == 0o640 and mode_of(b) == 0o644

    failed, result = run(files)
    assert not failed and not result['changed'] and result['changed_files'] == []


def test_only_the_changed_file_is_replaced(tmp_path):
    a, b = tmp_path / 'a', tmp_path / 'b'
    run([{'dest': str(a), 'content': 'one\n'}, {'dest': str(b), 'content': 'two\n'}])
    inode_b = os.stat(b).st_ino
    failed, result = run([{'dest': str(a), 'content': 'one, changed\n'}, {'dest': str(b), 'content': 'two\n'}])
    assert not failed and result['changed_files'] == [str(a)]
    assert result['files'][0] == {'dest': str(a), 'changed': True, 'content_changed': True, 'created': False}
    assert a.read_text() == 'one, changed\n'
    assert os.stat(b).st_ino == inode_b  # untouched, not rewritten


def test_replacing_content_keeps_attributes_not_given_and_leaves_no_temporary_file(tmp_path):
    a = tmp_path / 'a'
    a.write_text('old\n')
    os.chmod(a, 0o600)
    failed, result = run([{'dest': str(a), 'content': 'new\n'}])
    assert not failed and result['changed']
    assert mode_of(a) == 0o600 and a.read_text() == 'new\n'
    assert os.listdir(tmp_path) == ['a']


def test_attributes_alone_are_fixed_in_place(tmp_path):
    a = tmp_path / 'a'
    a.write_text('same\n')
    os.chmod(a, 0o644)
    inode = os.stat(a).st_ino
    failed, result = run([{'dest': str(a), 'content': 'same\n', 'mode': '0640'}], diff=True)
    assert not failed and result['changed']
    assert result['files'][0]['content_changed'] is False
    assert mode_of(a) == 0o640 and os.stat(a).st_ino == inode
    assert result['diff'] == [{'before_header': '%s (attributes)' % a, 'after_header': '%s (attributes)' % a,
                               'before': {'mode': '0644'}, 'after': {'mode': '0640'}}]


@pytest.mark.skipif(os.geteuid() != 0, reason='changing a file owner needs root')
def test_owner_and_group_by_name(tmp_path):
    a = tmp_path / 'a'
    failed, result = run([{'dest': str(a), 'content': 'x\n', 'owner': 'nobody', 'group': 'nogroup', 'mode': 'u=rw,g=r,o='}])
    assert not failed and result['changed']
    st = os.stat(a)
    assert (st.st_uid, st.st_gid, mode_of(a)) == (65534, 65534, 0o640)
    failed, result = run([{'dest': str(a), 'content': 'x\n', 'owner': 'nobody', 'group': 'nogroup', 'mode': '0640'}])
    assert not failed and not result['changed']


def test_check_mode_reports_without_writing(tmp_path):
    a, new = tmp_path / 'a', tmp_path / 'new'
    a.write_text('old\n')
    failed, result = run([{'dest': str(a), 'content': 'new\n'}, {'dest': str(new), 'content': 'n\n', 'mode': '0600'}], check=True, diff=True)
    assert not failed and result['changed_files'] == [str(a), str(new)]
    assert a.read_text() == 'old\n' and not new.exists()
    assert result['diff'][0] == {'before_header': str(a), 'after_header': str(a), 'before': 'old\n', 'after': 'new\n'}


def test_diff_false_hides_the_content(tmp_path):
    a = tmp_path / 'a'
    a.write_text('password=old\n')
    failed, result = run([{'dest': str(a), 'content': 'password=new\n', 'diff': False}], diff=True)
    assert not failed and result['changed']
    assert 'password' not in repr(result['diff'])
    assert a.read_text() == 'password=new\n'


def test_a_symlink_is_followed(tmp_path):
    target, link = tmp_path / 'target', tmp_path / 'link'
    target.write_text('old\n')
    link.symlink_to(target)
    failed, result = run([{'dest': str(link), 'content': 'new\n'}])
    assert not failed and result['changed']
    assert link.is_symlink() and target.read_text() == 'new\n'


@pytest.mark.parametrize('bad, expected', [
    ({'dest': 'relative/path', 'content': 'x'}, "dest 'relative/path' is not an absolute path"),
    ({'dest': '/tmp/x', 'content': 'x', 'mode': 416}, "mode 416 must be a quoted string"),
])
def test_bad_requests_are_refused_naming_the_value(tmp_path, bad, expected):
    good = tmp_path / 'good'
    failed, result = run([{'dest': str(good), 'content': 'x\n'}, bad])
    assert failed and expected in result['msg']
    assert not good.exists()


def test_a_repeated_dest_is_refused(tmp_path):
    a = tmp_path / 'a'
    failed, result = run([{'dest': str(a), 'content': '1'}, {'dest': str(a), 'content': '2'}])
    assert failed and "dest '%s' is listed more than once" % a in result['msg']
    assert not a.exists()


@pytest.mark.parametrize('bad, expected', [
    ({'dest': '/nonexistent-dir/x', 'content': 'x'}, 'directory /nonexistent-dir does not exist'),
    ({'content': 'x', 'owner': 'no-such-user-here'}, "owner 'no-such-user-here'"),
    ({'content': 'x', 'mode': '0999'}, "mode '0999' is not a valid"),
    ({'content': 'x', 'mode': 'u=banana'}, "mode 'u=banana' is not a valid"),
])
def test_every_file_is_checked_before_any_is_written(tmp_path, bad, expected):
    good = tmp_path / 'good'
    bad.setdefault('dest', str(tmp_path / 'bad'))
    failed, result = run([{'dest': str(good), 'content': 'x\n'}, bad])
    assert failed and expected in result['msg']
    assert not good.exists()


def test_a_directory_in_place_of_the_file_is_refused(tmp_path):
    (tmp_path / 'dir').mkdir()
    failed, result = run([{'dest': str(tmp_path / 'dir'), 'content': 'x'}])
    assert failed and 'exists and is not a regular file' in result['msg']


def test_directories_are_made_before_the_files_that_live_in_them(tmp_path):
    data, conf = tmp_path / 'var' / 'lib' / 'data', tmp_path / 'etc'
    dirs = [{'path': str(data), 'mode': '0750'}, {'path': str(conf), 'mode': '0755'}, {'path': str(data), 'mode': '0750'}]
    files = [{'dest': str(data / 'myid'), 'content': '1\n', 'mode': '0640'}]
    failed, result = run(files, directories=dirs)
    assert not failed and result['changed']
    assert result['changed_directories'] == [str(data), str(conf)]  # the repeated identical entry counts once
    assert mode_of(data) == 0o750 and mode_of(conf) == 0o755 and (data / 'myid').read_text() == '1\n'

    failed, result = run(files, directories=dirs)
    assert not failed and not result['changed'] and result['changed_directories'] == []

    os.chmod(data, 0o777)
    failed, result = run(files, directories=dirs, diff=True)
    assert not failed and result['changed_directories'] == [str(data)] and result['changed_files'] == []
    assert mode_of(data) == 0o750
    assert result['diff'] == [{'before_header': '%s (attributes)' % data, 'after_header': '%s (attributes)' % data,
                               'before': {'mode': '0777'}, 'after': {'mode': '0750'}}]


def test_check_mode_makes_no_directory(tmp_path):
    new = tmp_path / 'new'
    failed, result = run([{'dest': str(new / 'f'), 'content': 'x'}], directories=[{'path': str(new)}], check=True)
    assert not failed and result['changed_directories'] == [str(new)] and result['changed_files'] == [str(new / 'f')]
    assert not new.exists()


@pytest.mark.skipif(os.geteuid() != 0, reason='changing an owner needs root')
def test_directory_owner_and_group(tmp_path):
    d = tmp_path / 'd'
    failed, result = run([], directories=[{'path': str(d), 'owner': 'nobody', 'group': 'nogroup', 'mode': '0750'}])
    assert not failed and result['changed']
    assert (os.stat(d).st_uid, os.stat(d).st_gid) == (65534, 65534)


def test_directory_refusals_change_nothing(tmp_path):
    (tmp_path / 'afile').write_text('x')
    good = tmp_path / 'good'
    cases = [
        ([{'path': str(good)}, {'path': str(tmp_path / 'afile')}], 'exists and is not a directory'),
        ([{'path': str(good)}, {'path': str(tmp_path / 'afile' / 'sub')}], 'exists and is not a directory'),
        ([{'path': str(good), 'mode': '0750'}, {'path': str(good), 'mode': '0700'}], 'listed twice with different owner, group or mode'),
        ([{'path': 'relative'}], "directory 'relative' is not an absolute path"),
        ([{'path': str(good), 'mode': 488}], 'mode 488 must be a quoted string'),
    ]
    for dirs, expected in cases:
        failed, result = run([], directories=dirs)
        assert failed and expected in result['msg'], (dirs, result)
        assert not good.exists()


def test_a_failed_write_names_the_file_and_what_was_already_changed(tmp_path, monkeypatch):
    """The disk refusing the rename (full, read-only) is reported, and no temporary file is left behind."""
    a, b = tmp_path / 'a', tmp_path / 'b'
    real_rename = os.rename

    def rename(src, dst):
        if str(dst) == str(b):
            raise OSError(30, 'Read-only file system')
        real_rename(src, dst)

    monkeypatch.setattr(config_files.os, 'rename', rename)
    failed, result = run([{'dest': str(a), 'content': '1\n'}, {'dest': str(b), 'content': '2\n'}], directories=[{'path': str(tmp_path / 'd')}])
    assert failed and result['changed']
    assert result['msg'] == '%s: cannot write %s: [Errno 30] Read-only file system (already changed: %s, %s)' % (b, b, tmp_path / 'd', a)
    assert sorted(os.listdir(tmp_path)) == ['a', 'd']
