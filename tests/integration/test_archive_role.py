"""The shared archive install path (role streamops.kafka.archive), run for real on localhost.

A tarball in the Apache layout is served by an HTTP server on 127.0.0.1; the role installs it
into a temporary install root through the same URL + SHA-512 path users use.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import io
import os
import tarfile
import threading
from pathlib import Path

import pytest

from ansible_runner import run_playbook

NAME = "demo-1.2.3"
ARCHIVE = NAME + "-bin.tar.gz"


def _make_tarball(path: Path, payload: bytes) -> str:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for member, data in (("%s/lib/app.jar" % NAME, payload), ("%s/conf/app.cfg" % NAME, b"k=v\n")):
            info = tarfile.TarInfo(member)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    path.write_bytes(buf.getvalue())
    return hashlib.sha512(buf.getvalue()).hexdigest()


def _gpg_style(name: str, digest: str) -> str:
    groups = [digest[i:i + 8].upper() for i in range(0, 128, 8)]
    return "%s: %s\n%s%s\n" % (name, " ".join(groups[:8]), " " * (len(name) + 2), " ".join(groups[8:]))


@pytest.fixture(scope="module")
def mirror(tmp_path_factory):
    root = tmp_path_factory.mktemp("mirror")
    (root / "primary").mkdir()
    (root / "archive").mkdir()
    digest = _make_tarball(root / "primary" / ARCHIVE, b"real bytes")
    (root / "primary" / (ARCHIVE + ".sha512")).write_text("%s  %s\n" % (digest, ARCHIVE))
    # The archive mirror only has it, with a gpg --print-md style checksum (as Kafka publishes).
    _make_tarball(root / "archive" / ARCHIVE, b"real bytes")
    (root / "archive" / (ARCHIVE + ".sha512")).write_text(_gpg_style(ARCHIVE, digest))
    # A tampered copy whose published checksum does not match.
    (root / "tampered").mkdir()
    _make_tarball(root / "tampered" / ARCHIVE, b"evil bytes")
    (root / "tampered" / (ARCHIVE + ".sha512")).write_text("%s  %s\n" % (digest, ARCHIVE))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {"url": "http://127.0.0.1:%d" % server.server_address[1], "digest": digest, "root": root}
    server.shutdown()


def _play(install_root: Path, **overrides) -> str:
    params = {
        "archive_name": "demo",
        "archive_unpacked_dir": NAME + "-bin",
        "archive_link": str(install_root / "demo"),
        "archive_install_root": str(install_root),
    }
    params.update(overrides)
    lines = "\n".join("        %s: %r" % (k, v) for k, v in params.items())
    return """
- name: Install through the shared archive path
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Archive role
      ansible.builtin.include_role:
        name: streamops.kafka.archive
      vars:
%s
""" % lines


def _tree(root: Path) -> dict[str, bytes | str]:
    out = {}
    for p in sorted(root.rglob("*")):
        rel = str(p.relative_to(root))
        out[rel] = os.readlink(p) if p.is_symlink() else (p.read_bytes() if p.is_file() else "dir")
    return out


def test_install_then_idempotent_rerun(tmp_path, mirror):
    play = _play(tmp_path, archive_url="%s/primary/%s" % (mirror["url"], ARCHIVE), archive_unpacked_dir=NAME)
    first = run_playbook(play)
    assert first.rc == 0, first.failure_messages()
    assert first.changed() > 0
    assert (tmp_path / "demo").is_symlink()
    assert os.readlink(tmp_path / "demo") == str(tmp_path / NAME)
    assert (tmp_path / "demo" / "lib" / "app.jar").read_bytes() == b"real bytes"
    assert (tmp_path / NAME / ".streamops-archive.sha512").read_text().strip() == mirror["digest"]
    second = run_playbook(play)
    assert second.rc == 0, second.failure_messages()
    assert second.changed() == 0


def test_check_mode_changes_nothing(tmp_path, mirror):
    play = _play(tmp_path, archive_url="%s/primary/%s" % (mirror["url"], ARCHIVE), archive_unpacked_dir=NAME)
    res = run_playbook(play, check=True)
    assert res.rc == 0, res.failure_messages()
    assert res.changed() > 0
    assert list(tmp_path.iterdir()) == []


def test_fallback_mirror_and_gpg_checksum_format(tmp_path, mirror):
    play = _play(
        tmp_path,
        archive_url="%s/missing/%s" % (mirror["url"], ARCHIVE),
        archive_fallback_urls=["%s/archive/%s" % (mirror["url"], ARCHIVE)],
        archive_unpacked_dir=NAME,
    )
    res = run_playbook(play)
    assert res.rc == 0, res.failure_messages()
    assert (tmp_path / "demo" / "lib" / "app.jar").read_bytes() == b"real bytes"


def test_wrong_checksum_fails_and_host_is_unchanged(tmp_path, mirror):
    before = _tree(tmp_path)
    tmp_before = set(os.listdir("/tmp"))
    play = _play(tmp_path, archive_url="%s/tampered/%s" % (mirror["url"], ARCHIVE), archive_unpacked_dir=NAME)
    res = run_playbook(play)
    assert res.rc != 0
    msg = " ".join(res.failure_messages())
    assert "tampered/%s" % ARCHIVE in msg and mirror["digest"] in msg and "nothing was installed" in msg, msg
    assert _tree(tmp_path) == before
    assert not [d for d in set(os.listdir("/tmp")) - tmp_before if d.startswith("streamops-demo-")]


def test_pinned_checksum_mismatch_is_refused(tmp_path, mirror):
    wrong = hashlib.sha512(b"something else").hexdigest()
    play = _play(tmp_path, archive_url="%s/primary/%s" % (mirror["url"], ARCHIVE), archive_unpacked_dir=NAME,
                 archive_checksum="sha512:" + wrong)
    res = run_playbook(play)
    assert res.rc != 0
    assert wrong in " ".join(res.failure_messages())
    assert list(tmp_path.iterdir()) == []


def test_malformed_checksum_is_named(tmp_path, mirror):
    play = _play(tmp_path, archive_url="%s/primary/%s" % (mirror["url"], ARCHIVE), archive_unpacked_dir=NAME,
                 archive_checksum="md5:1234")
    res = run_playbook(play)
    assert res.rc != 0
    assert "md5:1234" in " ".join(res.failure_messages())
    assert list(tmp_path.iterdir()) == []


def test_local_archive_from_controller(tmp_path, mirror):
    play = _play(tmp_path, archive_src=str(mirror["root"] / "primary" / ARCHIVE), archive_unpacked_dir=NAME,
                 archive_checksum=mirror["digest"])
    res = run_playbook(play)
    assert res.rc == 0, res.failure_messages()
    assert (tmp_path / "demo" / "conf" / "app.cfg").read_text() == "k=v\n"


def test_existing_real_directory_is_never_replaced(tmp_path, mirror):
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "precious.log").write_text("data")
    play = _play(tmp_path, archive_url="%s/primary/%s" % (mirror["url"], ARCHIVE), archive_unpacked_dir=NAME)
    res = run_playbook(play)
    assert res.rc != 0
    assert "is not a symlink" in " ".join(res.failure_messages())
    assert (tmp_path / "demo" / "precious.log").read_text() == "data"
    assert not (tmp_path / NAME).exists()


def test_upgrade_switches_symlink_and_keeps_old_version(tmp_path, mirror):
    old = tmp_path / "demo-1.0.0"
    old.mkdir()
    (tmp_path / "demo").symlink_to(old)
    play = _play(tmp_path, archive_url="%s/primary/%s" % (mirror["url"], ARCHIVE), archive_unpacked_dir=NAME)
    res = run_playbook(play)
    assert res.rc == 0, res.failure_messages()
    assert os.readlink(tmp_path / "demo") == str(tmp_path / NAME)
    assert old.is_dir()
