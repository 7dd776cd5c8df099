#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.

from __future__ import annotations

DOCUMENTATION = r'''
---
module: config_files
short_description: Create directories and write configuration files in one module run, each only when it differs
version_added: 1.3.0
description:
  - Writes each file of O(files) with its content, owner, group and mode, in one run of the module on the
    host. The roles of this collection render their templates on the control node with the
    C(ansible.builtin.template) lookup and hand the results to this module.
  - A file is replaced only when its content differs, atomically (a temporary file in the same directory,
    given its owner, group and mode, then renamed over the old one), so a service never reads half a file.
    Owner, group and mode are corrected in place when only they differ.
  - The same work as one M(ansible.builtin.template) task per file, which runs two modules on the host
    per file even when nothing changes (C(stat), then C(file)); this module runs once for all of them.
  - O(directories) are created (with missing parents, as C(mkdir -p)) or corrected before the files are
    written, the same work as one M(ansible.builtin.file) task with C(state=directory) per directory.
  - Every directory and file is checked before any is changed. One that cannot be made (its directory
    missing, an unknown owner or group, a bad mode, a file where a directory belongs or the other way
    round) fails the task naming the path and the value, with nothing changed.
author:
  - streamops engineering (@streamops)
options:
  directories:
    description:
      - Directories to create or correct, in order, before the files. Parents that are missing are created
        with the default mode; owner, group and mode apply to the directory itself.
      - A path listed twice with the same owner, group and mode counts once; with different ones it is refused.
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: Absolute path of the directory.
        type: path
        required: true
      owner:
        description: Owner of the directory. Without it a new directory is owned by the user the module runs as.
        type: str
      group:
        description: Group of the directory.
        type: str
      mode:
        description: Permissions as a quoted octal string, for example V('0750'), or in symbolic form.
        type: raw
  files:
    description: The files to write.
    type: list
    elements: dict
    default: []
    suboptions:
      dest:
        description:
          - Absolute path of the file. Its directory must exist. A symlink is followed (its target is written).
          - Each O(files[].dest) may appear once.
        type: path
        required: true
      content:
        description: The whole content of the file (UTF-8).
        type: str
        required: true
      owner:
        description: Owner of the file. Without it a new file is owned by the user the module runs as and an existing file keeps its owner.
        type: str
      group:
        description: Group of the file. Without it a new file gets the user's group and an existing file keeps its group.
        type: str
      mode:
        description:
          - Permissions as a quoted octal string, for example V('0640'), or in symbolic form, for example V(u=rw,g=r,o=).
          - Without it a new file gets C(0666) minus the umask and an existing file keeps its mode.
        type: raw
      diff:
        description:
          - Whether C(--diff) shows this file's old and new content. V(false) shows only that it changed
            (for files whose content must not appear in output).
        type: bool
        default: true
attributes:
  check_mode:
    support: full
    description: Reports which files would change, and how with C(--diff), without writing.
  diff_mode:
    support: full
    description: Shows each changed file's old and new content (unless O(files[].diff=false)) and changed owner, group or mode.
notes:
  - Handlers notified by the task run when any of the files or directories changed; RV(changed_files) and
    RV(changed_directories) say which.
seealso:
  - module: ansible.builtin.template
  - module: ansible.builtin.copy
'''

EXAMPLES = r'''
- name: Write server.properties, the logging configuration and the systemd unit
  streamops.kafka.config_files:
    files:
      - dest: /etc/kafka/server.properties
        content: "{{ lookup('ansible.builtin.template', 'server.properties.j2') }}"
        owner: root
        group: kafka
        mode: "0640"
      - dest: /etc/systemd/system/kafka.service
        content: "{{ lookup('ansible.builtin.template', 'kafka.service.j2') }}"
        owner: root
        group: root
        mode: "0644"
  register: kafka_files
  notify: kafka config changed

- name: Reload systemd when the unit changed
  ansible.builtin.systemd_service:
    daemon_reload: true
  when: "'/etc/systemd/system/kafka.service' in kafka_files.changed_files"
'''

RETURN = r'''
changed_directories:
  description: The O(directories[].path) of the directories created or corrected, in the order given (each once).
  returned: always
  type: list
  elements: str
  sample: [/var/lib/kafka/data]
changed_files:
  description: The O(files[].dest) of the files that changed (content, owner, group or mode), in the order given.
  returned: always
  type: list
  elements: str
  sample: [/etc/kafka/server.properties]
files:
  description: One entry per file, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    dest:
      description: The path as given.
      type: str
      sample: /etc/kafka/server.properties
    changed:
      description: Whether the file changed (or would, in check mode).
      type: bool
      sample: true
    content_changed:
      description: Whether the content changed (a new file counts as changed content).
      type: bool
      sample: true
    created:
      description: Whether the file did not exist before.
      type: bool
      sample: false
  sample:
    - {dest: /etc/kafka/server.properties, changed: true, content_changed: true, created: false}
'''

import grp
import os
import pwd
import stat
import tempfile
import typing as t

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_bytes, to_native, to_text

_ARGUMENT_SPEC = dict(
    directories=dict(type='list', elements='dict', default=[], options=dict(
        path=dict(type='path', required=True),
        owner=dict(type='str'),
        group=dict(type='str'),
        mode=dict(type='raw'),
    )),
    files=dict(type='list', elements='dict', default=[], options=dict(
        dest=dict(type='path', required=True),
        content=dict(type='str', required=True),
        owner=dict(type='str'),
        group=dict(type='str'),
        mode=dict(type='raw'),
        diff=dict(type='bool', default=True),
    )),
)


def request_problems(directories: list[dict[str, t.Any]], files: list[dict[str, t.Any]]) -> list[str]:
    """What makes the request unusable before any path is looked at: relative or repeated paths, a mode given as a number."""
    problems = []
    seen_dirs: dict[str, tuple[t.Any, ...]] = {}
    for d in directories:
        path = d['path']
        if not os.path.isabs(path):
            problems.append("directory '%s' is not an absolute path" % path)
        attrs = (d.get('owner'), d.get('group'), d.get('mode'))
        if path in seen_dirs and seen_dirs[path] != attrs:
            problems.append("directory '%s' is listed twice with different owner, group or mode" % path)
        seen_dirs.setdefault(path, attrs)
    seen: set[str] = set()
    for f in files:
        dest = f['dest']
        if not os.path.isabs(dest):
            problems.append("dest '%s' is not an absolute path" % dest)
        if dest in seen:
            problems.append("dest '%s' is listed more than once" % dest)
        seen.add(dest)
    for item in directories + files:
        mode = item.get('mode')
        if mode is not None and not isinstance(mode, str):
            problems.append("%s: mode %r must be a quoted string such as '0640' (a YAML number is read as decimal)"
                            % (item.get('dest') or item.get('path'), mode))
    return problems


def _id(name: str | None, lookup: t.Callable[[str], t.Any], field: str) -> int | None:
    """A user or group id from a name or a number; None when not given. KeyError for an unknown name."""
    if name is None:
        return None
    if name.isdigit():
        return int(name)
    return getattr(lookup(name), field)


def _ids_and_mode(module: AnsibleModule, name: str, item: dict[str, t.Any], st: os.stat_result | None) -> tuple[int | None, int | None, int | None]:
    try:
        uid, gid = _id(item['owner'], pwd.getpwnam, 'pw_uid'), _id(item['group'], grp.getgrnam, 'gr_gid')
    except KeyError:
        module.fail_json(msg="%s: owner '%s' or group '%s' does not exist on this host" % (name, item['owner'], item['group']))
    mode = item['mode']
    if mode is None:
        return uid, gid, None
    try:
        if mode.isdigit():
            octal = int(mode, 8)
        else:  # symbolic: applied to the current mode (a new path's: none)
            octal = module._symbolic_mode_to_octal(st if st is not None else os.stat_result((0,) * 10), mode)
    except Exception as exc:  # noqa: BLE001 - the helper raises several kinds for a bad mode
        module.fail_json(msg="%s: mode '%s' is not a valid octal or symbolic mode: %s" % (name, mode, to_native(exc)))
    if octal < 0 or octal > 0o7777:
        module.fail_json(msg="%s: mode '%s' is out of range" % (name, mode))
    return uid, gid, octal


def _look_directory(module: AnsibleModule, d: dict[str, t.Any]) -> dict[str, t.Any]:
    """The directory's current state, or fail naming it and the value."""
    path = d['path']
    st = None
    if os.path.lexists(path):
        st = os.stat(path)
        if not stat.S_ISDIR(st.st_mode):
            module.fail_json(msg="%s exists and is not a directory" % path)
    else:
        parent = os.path.dirname(path.rstrip('/')) or '/'
        while not os.path.lexists(parent):
            parent = os.path.dirname(parent)
        if not os.path.isdir(parent):
            module.fail_json(msg="%s: %s exists and is not a directory" % (path, parent))
    uid, gid, mode = _ids_and_mode(module, path, d, st)
    return dict(kind='directory', name=path, path=path, stat=st, uid=uid, gid=gid, mode=mode)


def _look_file(module: AnsibleModule, f: dict[str, t.Any], directories: set[str]) -> dict[str, t.Any]:
    """The file's current state and its new content, or fail naming the file and the value."""
    dest = f['dest']
    path = os.path.realpath(dest)
    b_path = to_bytes(path, errors='surrogate_or_strict')
    parent = os.path.dirname(path)
    if not os.path.isdir(parent) and parent not in directories:
        module.fail_json(msg="%s: directory %s does not exist" % (dest, parent))
    st = None
    before = b''
    if os.path.lexists(b_path):
        st = os.stat(b_path)
        if not stat.S_ISREG(st.st_mode):
            module.fail_json(msg="%s: %s exists and is not a regular file" % (dest, path))
        with open(b_path, 'rb') as fh:
            before = fh.read()
    uid, gid, mode = _ids_and_mode(module, dest, f, st)
    return dict(kind='file', name=dest, path=path, content=f['content'], show=f['diff'],
                data=to_bytes(f['content'], errors='surrogate_or_strict'), before=before, stat=st, uid=uid, gid=gid, mode=mode)


def _changes(look: dict[str, t.Any]) -> dict[str, t.Any]:
    st = look['stat']
    if st is None:
        return dict(created=True, content=True, owner=look['uid'] is not None, group=look['gid'] is not None, mode=look['mode'] is not None)
    return dict(
        created=False,
        content='data' in look and look['before'] != look['data'],
        owner=look['uid'] is not None and st.st_uid != look['uid'],
        group=look['gid'] is not None and st.st_gid != look['gid'],
        mode=look['mode'] is not None and stat.S_IMODE(st.st_mode) != look['mode'],
    )


def _write(look: dict[str, t.Any]) -> None:
    """Replace the content atomically: a temporary file in the same directory gets the attributes, then is renamed."""
    path, st = look['path'], look['stat']
    uid = look['uid'] if look['uid'] is not None else (st.st_uid if st else os.geteuid())
    gid = look['gid'] if look['gid'] is not None else (st.st_gid if st else os.getegid())
    if look['mode'] is not None:
        mode = look['mode']
    elif st is not None:
        mode = stat.S_IMODE(st.st_mode)
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), dir=os.path.dirname(path))
    try:
        with os.fdopen(fd, 'wb') as fh:
            if (uid, gid) != (os.geteuid(), os.getegid()):
                os.fchown(fh.fileno(), uid, gid)
            os.fchmod(fh.fileno(), mode)
            fh.write(look['data'])
            fh.flush()
            os.fsync(fh.fileno())
        os.rename(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _fix_attributes(look: dict[str, t.Any], changes: dict[str, t.Any]) -> None:
    path = look['path']
    if changes['owner'] or changes['group']:
        os.chown(path, look['uid'] if changes['owner'] else -1, look['gid'] if changes['group'] else -1)
    if changes['mode']:
        os.chmod(path, look['mode'])


def _diffs(look: dict[str, t.Any], changes: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    """--diff entries: a directory made, a file's content (unless its diff is off), changed owner, group or mode."""
    name = look['name']
    out = []
    if look['kind'] == 'directory' and changes['created']:
        out.append(dict(before_header=name, after_header=name, before={'state': 'absent'}, after={'state': 'directory'}))
    if look['kind'] == 'file' and changes['content']:
        out.append(dict(before_header=name, after_header=name,
                        before=to_text(look['before'], errors='surrogate_or_replace') if look['show'] else '',
                        after=look['content'] if look['show'] else '(content not shown: %d bytes)\n' % len(look['data'])))
    keys = [k for k in ('owner', 'group', 'mode') if changes[k]]
    if keys:
        st = look['stat']
        before = {} if st is None else dict(owner=st.st_uid, group=st.st_gid, mode='0%03o' % stat.S_IMODE(st.st_mode))
        after = dict(owner=look['uid'], group=look['gid'], mode=None if look['mode'] is None else '0%03o' % look['mode'])
        header = '%s (attributes)' % name
        out.append(dict(before_header=header, after_header=header, before={k: before.get(k) for k in keys}, after={k: after[k] for k in keys}))
    return out


def _apply(look: dict[str, t.Any], changes: dict[str, t.Any]) -> None:
    if look['kind'] == 'file' and changes['content']:
        _write(look)  # the new file gets its attributes before the rename
        return
    if look['kind'] == 'directory' and changes['created']:
        os.makedirs(look['path'], exist_ok=True)
    _fix_attributes(look, changes)


def main() -> None:
    module = AnsibleModule(argument_spec=_ARGUMENT_SPEC, supports_check_mode=True)
    files = module.params['files']
    directories = []
    for d in module.params['directories']:
        if d not in directories:
            directories.append(d)
    problems = request_problems(directories, files)
    if problems:
        module.fail_json(msg='config_files: ' + '; '.join(problems))

    # Everything is looked at (and refused) before anything changes.
    dir_looks = [_look_directory(module, d) for d in directories]
    new_dirs = {os.path.normpath(look['path']) for look in dir_looks}
    file_looks = [_look_file(module, f, new_dirs) for f in files]

    diffs: list[dict[str, t.Any]] = []
    changed_directories: list[str] = []
    entries: list[dict[str, t.Any]] = []
    for look in dir_looks + file_looks:
        changes = _changes(look)
        changed = any(changes[k] for k in ('created', 'content', 'owner', 'group', 'mode'))
        if look['kind'] == 'file':
            entries.append(dict(dest=look['name'], changed=changed, content_changed=changes['content'], created=changes['created']))
        if not changed:
            continue
        if module._diff:
            diffs.extend(_diffs(look, changes))
        if not module.check_mode:
            try:
                _apply(look, changes)
            except OSError as exc:
                # directories come first, so entries holds files only once files are being written
                done = changed_directories + [e['dest'] for e in entries[:-1] if e['changed']]
                module.fail_json(msg='%s: cannot write %s: %s (already changed: %s)'
                                 % (look['name'], look['path'], to_native(exc), ', '.join(done) or 'nothing'), changed=bool(done))
        if look['kind'] == 'directory':
            changed_directories.append(look['name'])

    changed_files = [e['dest'] for e in entries if e['changed']]
    result: dict[str, t.Any] = dict(changed=bool(changed_files or changed_directories), files=entries,
                                    changed_files=changed_files, changed_directories=changed_directories)
    if module._diff:
        result['diff'] = diffs
    module.exit_json(**result)


if __name__ == '__main__':
    main()
