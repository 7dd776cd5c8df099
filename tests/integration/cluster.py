"""Real ZooKeeper ensembles and Kafka clusters on 127.0.0.1, started from the mirror tarballs.

Stdlib only (plus kafka-python, imported lazily by the Kafka readiness and quorum probes). The
JVMs are started the way our systemd units start them, straight from the unpacked distributions::

    java ... -cp '<zk home>/lib/*:<confdir>' org.apache.zookeeper.server.quorum.QuorumPeerMain zoo.cfg
    java ... -cp '<kafka home>/libs/*' -Dlog4j.configuration=file:... kafka.Kafka server.properties  (3.x)
    java ... -cp '<kafka home>/libs/*' -Dlog4j2.configurationFile=... kafka.Kafka server.properties  (4.x)

:class:`ZooKeeperEnsemble`, :class:`KafkaCluster` (ZooKeeper mode, Kafka KAFKA_VERSION) and
:class:`KraftCluster` (KRaft, Kafka KAFKA4_VERSION by default; storage formatted with
``kafka.tools.StorageTool format`` before the first start) are context managers; leaving the
``with`` block (or an exception in ``start()``) stops every process they started. Every process
also gets killed at interpreter exit as a last resort. Startup failures raise
:class:`StartupError` carrying the tail of the node's log.

Typical use::

    with ZooKeeperEnsemble(3, tmp_path / "zk") as zk, \\
         KafkaCluster(3, zk.connect_string, tmp_path / "kafka") as kafka:
        ... kafka.bootstrap_servers ...

    with KraftCluster(3, tmp_path / "kraft") as kraft:      # 3 combined broker+controller nodes
        leader = kraft.quorum_leader()                      # node id
        kraft.stop_node(kraft.index(leader), kill=True)

Node indexes are 0-based (``stop_node(0)``); ZooKeeper ``myid`` and Kafka ``broker.id`` /
``node.id`` are index + 1. Memory is kept small (ZooKeeper -Xmx256m, ZooKeeper-mode Kafka
-Xmx512m, KRaft nodes -Xmx256m, serial GC, C1 only) because tests run several JVMs at once on
a 2-core machine.
"""

from __future__ import annotations

import atexit
import base64
import hashlib
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import uuid
from contextlib import closing
from pathlib import Path
from typing import Iterable

ROOT = Path(__file__).resolve().parents[2]
VERSIONS_ENV = ROOT / "scripts" / "versions.env"

ZK_MAIN = "org.apache.zookeeper.server.quorum.QuorumPeerMain"
KAFKA_MAIN = "kafka.Kafka"
FOUR_LETTER_WORDS = "srvr,mntr,ruok,conf,isro"

# JVM flags shared by all nodes: low CPU and memory footprint, fast startup, no hsperfdata files.
COMMON_JVM_OPTS = [
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-XX:-UsePerfData",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djava.awt.headless=true",
    "-Djava.net.preferIPv4Stack=true",
]
ZK_HEAP = ["-Xmx256m", "-Xms64m"]
KAFKA_HEAP = ["-Xmx512m", "-Xms256m"]
KRAFT_HEAP = ["-Xmx256m", "-Xms128m"]


class StartupError(RuntimeError):
    """A node did not come up (or died); the message includes the tail of its log."""


# --------------------------------------------------------------------------------------------------
# versions, cache, mirror


def read_versions(path: Path = VERSIONS_ENV) -> dict[str, str]:
    """KEY=VALUE pairs of scripts/versions.env."""
    out = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        out[key.strip()] = value.strip().strip("'\"")
    return out


def cache_dir() -> Path:
    return Path(os.environ.get("STREAMOPS_CACHE") or Path.home() / ".cache" / "streamops-kafka")


def mirror_archive(kind: str, version: str | None = None) -> tuple[Path, str]:
    """(archive path in $CACHE/mirror, top directory inside it) for kind 'kafka' or 'zookeeper'."""
    versions = read_versions()
    mirror = cache_dir() / "mirror"
    if kind == "kafka":
        v = version or versions["KAFKA_VERSION"]
        top = "kafka_%s-%s" % (versions.get("KAFKA_SCALA_VERSION", "2.13"), v)
        return mirror / "kafka" / v / (top + ".tgz"), top
    if kind == "zookeeper":
        v = version or versions["ZOOKEEPER_VERSION"]
        top = "apache-zookeeper-%s-bin" % v
        return mirror / "zookeeper" / ("zookeeper-" + v) / (top + ".tar.gz"), top
    raise ValueError("kind must be 'kafka' or 'zookeeper', not %r" % kind)


_verified: dict[tuple[str, int, int, str], str] = {}


def _verify_sha512(archive: Path) -> str:
    sums = archive.with_name(archive.name + ".sha512")
    if not archive.is_file() or not sums.is_file():
        raise FileNotFoundError(
            "%s (or its .sha512) is missing: run scripts/build-mirror.sh" % archive)
    want = sums.read_text().split()[0].lower()
    st = archive.stat()
    key = (str(archive), st.st_mtime_ns, st.st_size, want)
    if key in _verified:
        return want
    h = hashlib.sha512()
    with archive.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    if h.hexdigest() != want:
        raise RuntimeError("%s does not match %s: rebuild with scripts/build-mirror.sh --force"
                           % (archive, sums.name))
    _verified[key] = want
    return want


def ensure_unpacked(kind: str, version: str | None = None) -> Path:
    """Unpack the mirror tarball (once) and return the distribution's home directory.

    Unpacked into $CACHE/unpacked/<kind>/<topdir>-<sha512 prefix>/<topdir>, so a rebuilt archive
    with other contents gets a fresh directory. Safe to call concurrently.
    """
    archive, top = mirror_archive(kind, version)
    digest = _verify_sha512(archive)
    base = cache_dir() / "unpacked" / kind / ("%s-%s" % (top, digest[:12]))
    home = base / top
    if (base / ".complete").exists():
        return home
    base.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".unpack-", dir=base.parent))
    try:
        subprocess.run(["tar", "-xzf", str(archive), "-C", str(tmp)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if not (tmp / top).is_dir():
            raise RuntimeError("%s has no top directory %s/" % (archive, top))
        (tmp / ".complete").write_text(digest + "\n")
        try:
            os.rename(tmp, base)
        except OSError:
            if not (base / ".complete").exists():  # not a concurrent unpacker winning the race
                shutil.rmtree(base, ignore_errors=True)
                os.rename(tmp, base)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    # drop unpacked copies of older builds of the same distribution, once they are a day old
    # (a younger one may still be in use by a concurrent test run's JVMs)
    for stale in base.parent.glob(top + "-*"):
        marker = stale / ".complete"
        if stale != base and marker.exists() and time.time() - marker.stat().st_mtime > 86400:
            shutil.rmtree(stale, ignore_errors=True)
    return home


# --------------------------------------------------------------------------------------------------
# small helpers


# Ports for the test servers come from below the kernel's ephemeral range (32768-60999 by default),
# so no outgoing connection of another process can take one between the pick and the server's bind,
# and each pytest-xdist worker (PYTEST_XDIST_WORKER gw0, gw1, ...) picks from its own block of 2000,
# so two workers never pick the same port.
_PORT_BASE, _PORT_BLOCK = 20000, 2000
_port_cursor: list[int] = []


def _ephemeral_start() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_ports(count: int) -> list[int]:
    """``count`` distinct currently free TCP ports on 127.0.0.1, from this worker's block."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:]
    blocks = max(1, (_ephemeral_start() - _PORT_BASE) // _PORT_BLOCK)
    first = _PORT_BASE + (int(worker) if worker.isdigit() else 0) % blocks * _PORT_BLOCK
    if not _port_cursor:
        _port_cursor.append(first)
    ports: list[int] = []
    tries = 0
    while len(ports) < count:
        if tries == _PORT_BLOCK:
            raise RuntimeError("fewer than %d free ports in 127.0.0.1:%d-%d" % (count, first, first + _PORT_BLOCK - 1))
        tries += 1
        port = _port_cursor[0]
        _port_cursor[0] = first + (port + 1 - first) % _PORT_BLOCK
        with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        ports.append(port)
    return ports


def port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def java_bin() -> str:
    explicit = os.environ.get("STREAMOPS_JAVA")
    if explicit:
        return explicit
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return str(Path(java_home) / "bin" / "java")
    found = shutil.which("java")
    if not found:
        raise RuntimeError("java not found on PATH (set JAVA_HOME or STREAMOPS_JAVA)")
    return found


def log_tail(path: Path, lines: int = 60) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log at %s)" % path
    return "\n".join(text.splitlines()[-lines:])


def four_letter_word(host: str, port: int, word: str, timeout: float = 3.0,
                     context: ssl.SSLContext | None = None) -> str:
    """Send a ZooKeeper four letter word (e.g. 'srvr') over a plain socket, or over TLS with
    ``context`` (a ZooKeeper secureClientPort); return the answer."""
    with socket.create_connection((host, port), timeout=timeout) as raw:
        s = context.wrap_socket(raw, server_hostname=host) if context is not None else raw
        s.sendall(word.encode("ascii"))
        chunks = []
        while True:
            data = s.recv(65536)
            if not data:
                break
            chunks.append(data)
    return b"".join(chunks).decode("utf-8", errors="replace")


def parse_srvr(text: str) -> dict[str, str]:
    """'Key: value' lines of a srvr/conf answer as a dict (empty if the node is not serving)."""
    out = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            out[key.strip()] = value.strip()
    return out


_live: set[subprocess.Popen] = set()


def _spawn(cmd: list[str], log_path: Path, cwd: Path) -> subprocess.Popen:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        log.write(("\n=== %s start: %s\n" % (time.strftime("%H:%M:%S"), " ".join(cmd))).encode())
        log.flush()
        proc = subprocess.Popen(cmd, cwd=str(cwd), stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    _live.add(proc)
    return proc


def _terminate(proc: subprocess.Popen | None, kill: bool = False, timeout: float = 30.0) -> None:
    """Stop one process we started (its own process group): SIGTERM, then SIGKILL."""
    if proc is None:
        return
    try:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL if kill else signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait(timeout=30)
    finally:
        _live.discard(proc)


@atexit.register
def _kill_leftovers() -> None:
    for proc in list(_live):
        _terminate(proc, kill=True, timeout=10)


def _write_properties(path: Path, props: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join("%s=%s\n" % (k, v) for k, v in props.items()))


class _Nodes:
    """Shared bits: base dir handling, process list, context manager, node lifecycle.

    Subclasses define ``node_dir(i)``, ``log_path(i)``, ``command(i)`` (the JVM command line of
    node i) and ``_wait(timeout, nodes)`` (block until the given nodes serve).
    """

    kind = "node"
    start_timeout = 120.0  # default for start()/start_node(wait=True)
    stop_timeout = 30.0    # SIGTERM grace before SIGKILL in stop_node()
    stop_kills = False     # stop() (the whole cluster) SIGKILLs instead of SIGTERM

    def __init__(self, n: int, base_dir: Path | str | None, prefix: str) -> None:
        if n < 1:
            raise ValueError("n must be >= 1")
        self.n = n
        self._own_dir = base_dir is None
        self.base_dir = Path(base_dir) if base_dir else Path(tempfile.mkdtemp(prefix=prefix))
        self.base_dir.mkdir(parents=True, exist_ok=True)
        self.procs: list[subprocess.Popen | None] = [None] * n

    # context manager ---------------------------------------------------------------------------
    def __enter__(self):
        self.start()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.stop(remove_dir=exc_type is None)

    # processes ---------------------------------------------------------------------------------
    def node_dir(self, i: int) -> Path:
        raise NotImplementedError

    def log_path(self, i: int) -> Path:
        raise NotImplementedError

    def command(self, i: int) -> list[str]:
        raise NotImplementedError

    def _wait(self, timeout: float, nodes: list[int] | None = None) -> object:
        raise NotImplementedError

    def start(self, wait: bool = True, timeout: float | None = None):
        """Start every node, then (wait=True) wait until they serve; on any failure stop them all."""
        try:
            for i in range(self.n):
                self.start_node(i, wait=False)
            if wait:
                self._wait(timeout or self.start_timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def start_node(self, i: int, wait: bool = False, timeout: float | None = None) -> None:
        """Start node i (no-op when it runs); wait=True waits until it serves."""
        if self.is_running(i):
            return
        self.procs[i] = _spawn(self.command(i), self.log_path(i), self.node_dir(i))
        if wait:
            self._wait(timeout or self.start_timeout, nodes=[i])

    def stop_node(self, i: int, kill: bool = False, timeout: float | None = None) -> None:
        """Stop node i: SIGTERM (kill=False; a clean shutdown) or SIGKILL (kill=True)."""
        _terminate(self.procs[i], kill=kill, timeout=timeout or self.stop_timeout)
        self.procs[i] = None

    def is_running(self, i: int) -> bool:
        p = self.procs[i]
        return p is not None and p.poll() is None

    def running(self) -> list[int]:
        return [i for i in range(self.n) if self.is_running(i)]

    def pid(self, i: int) -> int | None:
        p = self.procs[i]
        return p.pid if p is not None and p.poll() is None else None

    def _check_alive(self, indexes: Iterable[int]) -> None:
        for i in indexes:
            p = self.procs[i]
            if p is None or p.poll() is not None:
                rc = None if p is None else p.returncode
                raise StartupError("%s %d is not running (exit code %s); tail of %s:\n%s"
                                   % (self.kind, i, rc, self.log_path(i), log_tail(self.log_path(i))))

    def tails(self, lines: int = 40) -> str:
        return "\n".join(
            "--- %s %d (%s)\n%s" % (self.kind, i, self.log_path(i), log_tail(self.log_path(i), lines))
            for i in range(self.n))

    def stop(self, remove_dir: bool = False) -> None:
        """Stop every node (last first): SIGTERM, or SIGKILL when the class sets ``stop_kills``."""
        for i in reversed(range(self.n)):
            _terminate(self.procs[i], kill=self.stop_kills)
            self.procs[i] = None
        if remove_dir and self._own_dir and not os.environ.get("STREAMOPS_KEEP_TEST_DIRS"):
            shutil.rmtree(self.base_dir, ignore_errors=True)


# --------------------------------------------------------------------------------------------------
# ZooKeeper


class ZooKeeperEnsemble(_Nodes):
    """n ZooKeeper servers on 127.0.0.1 (n=1: standalone), each with its own conf/data/log dirs.

    ``tls=True`` serves clients on a TLS port only and runs the quorum over TLS, with PEM stores
    from :func:`make_test_pki` (``self.tls``: ``"ca"`` and one ``streamops-zk-<myid>`` key store per
    member, whose certificate names ``localhost`` and ``127.0.0.1``)::

        secureClientPort=<client_ports[i]>    secureClientPortAddress=127.0.0.1   (no clientPort)
        serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory
        ssl.keyStore.location=<member pem>    ssl.keyStore.type=PEM
        ssl.trustStore.location=<ca pem>      ssl.trustStore.type=PEM
        ssl.clientAuth=<client_auth>          (none, want or need)
        sslQuorum=true
        ssl.quorum.keyStore.location=<member pem>  ssl.quorum.keyStore.type=PEM
        ssl.quorum.trustStore.location=<ca pem>    ssl.quorum.trustStore.type=PEM

    No plaintext client port is left: every probe of this class (``srvr``, ``wait_serving``) and of
    the tests goes through the TLS port, as a secured production member would be reached.
    ``client_context()`` is the ``ssl`` context the helpers use (CA, and a member certificate as the
    client certificate, which ``ssl.clientAuth=need`` requires). ``tls_sans`` are the names the
    member certificates carry; a member's address must be among them for the quorum (whose host
    name verification ZooKeeper turns on by default, in both directions) and for the helpers.
    """

    kind = "zookeeper"
    start_timeout = 90.0

    def __init__(self, n: int = 3, base_dir: Path | str | None = None, version: str | None = None,
                 tick_time: int = 1000, extra_config: dict[str, object] | None = None,
                 jvm_opts: list[str] | None = None, tls: bool = False, client_auth: str = "none",
                 tls_sans: Iterable[str] = ("localhost", "127.0.0.1")) -> None:
        super().__init__(n, base_dir, "streamops-zk-")
        self.home = ensure_unpacked("zookeeper", version)
        ports = free_ports(4 * n)
        self.client_ports = ports[0:n]
        self.quorum_ports = ports[n:2 * n]
        self.election_ports = ports[2 * n:3 * n]
        self.admin_ports = ports[3 * n:4 * n]
        self.jvm_opts = list(jvm_opts or [])
        self.tls: dict[str, Path] = {}
        self._contexts: dict[bool, ssl.SSLContext] = {}
        self.tls_sans = list(tls_sans)
        self.client_auth = client_auth
        if tls:
            self.tls = make_test_pki(self.base_dir / "tls", [self.member_name(i) for i in range(n)], sans=tls_sans)
        for i in range(n):
            d = self.node_dir(i)
            (d / "data").mkdir(parents=True, exist_ok=True)
            (d / "datalog").mkdir(parents=True, exist_ok=True)
            (d / "conf").mkdir(parents=True, exist_ok=True)
            (d / "data" / "myid").write_text("%d\n" % (i + 1))
            shutil.copy(self.home / "conf" / "logback.xml",
                        d / "conf" / "logback.xml")
            cfg: dict[str, object] = {
                "tickTime": tick_time,
                "initLimit": 20,
                "syncLimit": 10,
                "dataDir": d / "data",
                "dataLogDir": d / "datalog",
                "clientPort": self.client_ports[i],
                "clientPortAddress": "127.0.0.1",
                "maxClientCnxns": 0,
                "4lw.commands.whitelist": FOUR_LETTER_WORDS,
                "admin.enableServer": "true",
                "admin.serverAddress": "127.0.0.1",
                "admin.serverPort": self.admin_ports[i],
                "autopurge.purgeInterval": 0,
            }
            if n > 1:
                for j in range(n):
                    cfg["server.%d" % (j + 1)] = "127.0.0.1:%d:%d" % (
                        self.quorum_ports[j], self.election_ports[j])
            if tls:
                del cfg["clientPort"], cfg["clientPortAddress"]
                keystore = self.tls[self.member_name(i)]
                cfg.update({
                    "secureClientPort": self.client_ports[i],
                    "secureClientPortAddress": "127.0.0.1",
                    "serverCnxnFactory": "org.apache.zookeeper.server.NettyServerCnxnFactory",
                    "ssl.keyStore.location": keystore,
                    "ssl.keyStore.type": "PEM",
                    "ssl.trustStore.location": self.tls["ca"],
                    "ssl.trustStore.type": "PEM",
                    "ssl.clientAuth": client_auth,
                    "sslQuorum": "true",
                    "ssl.quorum.keyStore.location": keystore,
                    "ssl.quorum.keyStore.type": "PEM",
                    "ssl.quorum.trustStore.location": self.tls["ca"],
                    "ssl.quorum.trustStore.type": "PEM",
                })
            cfg.update(extra_config or {})
            _write_properties(self.cfg_path(i), cfg)

    @staticmethod
    def member_name(i: int) -> str:
        """Certificate name (CN, PEM file name) of member i in TLS mode."""
        return "streamops-zk-%d" % (i + 1)

    def client_context(self, certificate: bool = True) -> ssl.SSLContext | None:
        """The ``ssl`` context of a client of the TLS port (None without TLS): trusts the test CA,
        checks the host name (when the certificates name 127.0.0.1) and, with ``certificate``,
        presents member 1's certificate."""
        if not self.tls:
            return None
        if certificate not in self._contexts:
            context = ssl.create_default_context(cafile=str(self.tls["ca"]))
            context.check_hostname = "127.0.0.1" in self.tls_sans  # what the helpers connect to
            if certificate:
                context.load_cert_chain(str(self.tls[self.member_name(0)]))
            self._contexts[certificate] = context
        return self._contexts[certificate]

    def node_dir(self, i: int) -> Path:
        return self.base_dir / ("zk%d" % (i + 1))

    def cfg_path(self, i: int) -> Path:
        return self.node_dir(i) / "conf" / "zoo.cfg"

    def log_path(self, i: int) -> Path:
        return self.node_dir(i) / "zookeeper.out"

    @property
    def client_addresses(self) -> list[str]:
        return ["127.0.0.1:%d" % p for p in self.client_ports]

    @property
    def connect_string(self) -> str:
        return ",".join(self.client_addresses)

    def admin_url(self, i: int, command: str = "") -> str:
        return "http://127.0.0.1:%d/commands/%s" % (self.admin_ports[i], command)

    def command(self, i: int) -> list[str]:
        conf = self.node_dir(i) / "conf"
        return [java_bin(), *ZK_HEAP, *COMMON_JVM_OPTS, *self.jvm_opts,
                "-Dzookeeper.log.dir=%s" % self.node_dir(i),
                "-cp", "%s/lib/*:%s" % (self.home, conf),
                ZK_MAIN, str(self.cfg_path(i))]

    def _wait(self, timeout: float, nodes: list[int] | None = None) -> dict[int, str]:
        return self.wait_serving(timeout, nodes)

    # state ------------------------------------------------------------------------------------
    def srvr(self, i: int, timeout: float = 3.0) -> dict[str, str]:
        """The parsed 'srvr' answer of node i ({} if it does not answer or is not serving)."""
        try:
            return parse_srvr(four_letter_word("127.0.0.1", self.client_ports[i], "srvr", timeout,
                                               context=self.client_context()))
        except OSError:
            return {}

    def mode(self, i: int) -> str | None:
        """'leader', 'follower', 'standalone', 'observer' or None (not serving)."""
        return self.srvr(i).get("Mode")

    def modes(self) -> dict[int, str | None]:
        return {i: self.mode(i) for i in self.running()}

    def leader(self) -> int | None:
        for i, m in self.modes().items():
            if m == "leader":
                return i
        return None

    def wait_serving(self, timeout: float = 90.0, nodes: Iterable[int] | None = None) -> dict[int, str]:
        """Wait until the given (default: all running) nodes serve requests; return their modes.

        For an ensemble also waits until exactly one of the running nodes is the leader.
        """
        want = list(self.running() if nodes is None else nodes)
        deadline = time.monotonic() + timeout
        modes: dict[int, str | None] = {}
        while True:
            self._check_alive(want)
            modes = {i: self.mode(i) for i in want}
            if all(modes.values()):
                if self.n == 1 or list(self.modes().values()).count("leader") == 1:
                    return modes  # type: ignore[return-value]
            if time.monotonic() > deadline:
                raise StartupError("ZooKeeper nodes %s not serving after %.0fs (modes %s)\n%s"
                                   % (want, timeout, modes, self.tails()))
            time.sleep(0.5)


# --------------------------------------------------------------------------------------------------
# Kafka

KAFKA_STORAGE_TOOL = "kafka.tools.StorageTool"  # what the official bin/kafka-storage.sh runs

# Console logging of the test brokers: reload4j (Kafka 3.x) and log4j2 (Kafka 4.x) syntax.
KAFKA_LOG4J = """\
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.controller=INFO
log4j.logger.kafka.log.LogCleaner=WARN
log4j.logger.org.apache.zookeeper=WARN
"""
KAFKA_LOG4J2 = """\
status = warn
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.stdout.ref = STDOUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.stateChange.name = state.change.logger
logger.stateChange.level = WARN
logger.cleaner.name = kafka.log.LogCleaner
logger.cleaner.level = WARN
"""


def kafka_uuid() -> str:
    """A random Kafka ``Uuid`` as Kafka prints it (``kafka-storage.sh random-uuid``): 16 random
    bytes, base64url without padding, 22 characters; like ``Uuid.randomUuid()`` never one starting
    with '-' (it would read as a command line option) nor a reserved small id (0, 1, 2, ...: the
    zero/metadata-topic/directory sentinel ids)."""
    while True:
        raw = uuid.uuid4().bytes
        text = base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")
        if not text.startswith("-") and int.from_bytes(raw, "big") >= 100:
            return text


def uuid_text(kafka_id: str) -> str:
    """A Kafka Uuid (base64url, as kafka_uuid() makes them) in the 8-4-4-4-12 hex form kafka-python
    reports them in (e.g. ``replica_directory_id`` of describe_metadata_quorum())."""
    return str(uuid.UUID(bytes=base64.urlsafe_b64decode(kafka_id + "==")))


def _broker_properties(brokers: int) -> dict[str, object]:
    """Broker settings shared by both modes: small thread pools, internal topics sized to the cluster."""
    rf = min(3, brokers)
    return {
        "num.partitions": 1,
        "default.replication.factor": 1,
        "offsets.topic.replication.factor": rf,
        "offsets.topic.num.partitions": 10,
        "transaction.state.log.replication.factor": rf,
        "transaction.state.log.min.isr": min(2, rf),
        "transaction.state.log.num.partitions": 10,
        "group.initial.rebalance.delay.ms": 0,
        "num.network.threads": 2,
        "num.io.threads": 2,
        "background.threads": 2,
        "num.recovery.threads.per.data.dir": 1,
        "log.cleaner.dedupe.buffer.size": 2 * 1024 * 1024,
    }


class _KafkaNodes(_Nodes):
    """What ZooKeeper-mode and KRaft Kafka nodes share: the unpacked distribution, logging config,
    JVM command line, client addresses, the broker registration probe and the readiness wait.

    Node ids (``broker.id`` / ``node.id``) are index + 1. Kafka 3.x logs through reload4j
    (``-Dlog4j.configuration=``), Kafka 4.x through log4j2 (``-Dlog4j2.configurationFile=``).
    """

    kind = "broker"
    stop_timeout = 60.0
    dir_prefix = "broker"

    def __init__(self, n: int, base_dir: Path | str | None, prefix: str, version: str | None,
                 jvm_opts: list[str] | None, heap: list[str], ports_per_node: int = 1) -> None:
        super().__init__(n, base_dir, prefix)
        self.version = version or read_versions()["KAFKA_VERSION"]
        self.home = ensure_unpacked("kafka", self.version)
        ports = free_ports(ports_per_node * n)
        self.ports = ports[:n]          # client (PLAINTEXT) listener of node i
        self._more_ports = ports[n:]    # for subclasses (e.g. KRaft controller listeners)
        self.jvm_opts = list(jvm_opts or [])
        self.heap = list(heap)
        if int(self.version.split(".")[0]) >= 4:
            self.log_config_path = self.base_dir / "log4j2.properties"
            self.log_config_path.write_text(KAFKA_LOG4J2)
            self._log_opt = "-Dlog4j2.configurationFile=%s" % self.log_config_path
        else:
            self.log_config_path = self.base_dir / "log4j.properties"
            self.log_config_path.write_text(KAFKA_LOG4J)
            self._log_opt = "-Dlog4j.configuration=file:%s" % self.log_config_path

    def node_id(self, i: int) -> int:
        return i + 1

    def index(self, node_id: int) -> int:
        """The index of the node with this id (inverse of node_id)."""
        return node_id - 1

    @property
    def node_ids(self) -> list[int]:
        return [self.node_id(i) for i in range(self.n)]

    def node_dir(self, i: int) -> Path:
        return self.base_dir / ("%s%d" % (self.dir_prefix, self.node_id(i)))

    def config_path(self, i: int) -> Path:
        return self.node_dir(i) / "server.properties"

    def log_path(self, i: int) -> Path:
        return self.node_dir(i) / "kafka.out"

    def is_broker(self, i: int) -> bool:
        return True

    def _write_config(self, i: int, props: dict[str, object],
                      extra_config: dict[str, object] | None) -> None:
        for sub in ("data", "logs"):
            (self.node_dir(i) / sub).mkdir(parents=True, exist_ok=True)
        props = {**props, "log.dirs": self.node_dir(i) / "data", **(extra_config or {})}
        _write_properties(self.config_path(i), props)

    @property
    def addresses(self) -> list[str]:
        """host:port of every broker (client listeners), whether running or not."""
        return ["127.0.0.1:%d" % self.ports[i] for i in range(self.n) if self.is_broker(i)]

    @property
    def bootstrap_servers(self) -> str:
        return ",".join(self.addresses)

    def jvm_command(self, i: int, main: str, *args: str, heap: list[str] | None = None) -> list[str]:
        """java <heap> <common opts> <logging> -cp '<home>/libs/*' MAIN ARGS (node i's logging)."""
        return [java_bin(), *(self.heap if heap is None else heap), *COMMON_JVM_OPTS, *self.jvm_opts,
                self._log_opt, "-Dkafka.logs.dir=%s" % (self.node_dir(i) / "logs"),
                "-cp", "%s/libs/*" % self.home, main, *args]

    def command(self, i: int) -> list[str]:
        return self.jvm_command(i, KAFKA_MAIN, str(self.config_path(i)))

    def _wait(self, timeout: float, nodes: list[int] | None = None) -> set[int]:
        return self.wait_ready(timeout)

    # state ------------------------------------------------------------------------------------
    def admin_client(self, timeout_ms: int = 10000):
        """A kafka-python KafkaAdminClient bootstrapped from the running brokers (close it)."""
        from kafka import KafkaAdminClient  # lazy: ZooKeeper-only users need no kafka-python

        running = ["127.0.0.1:%d" % self.ports[i] for i in self.running() if self.is_broker(i)]
        config: dict[str, object] = dict(bootstrap_servers=running or self.addresses,
                                         request_timeout_ms=timeout_ms,
                                         client_id="streamops-cluster-probe", **self.client_security())
        if "bootstrap_timeout_ms" in getattr(KafkaAdminClient, "DEFAULT_CONFIG", {}):
            config["bootstrap_timeout_ms"] = timeout_ms
        return KafkaAdminClient(**config)

    def client_security(self) -> dict[str, object]:
        """kafka-python keyword arguments the probes connect with (none: PLAINTEXT; see SecureKraftCluster)."""
        return {}

    def registered_brokers(self, timeout_ms: int = 10000) -> tuple[set[int], int]:
        """(ids of the registered, unfenced brokers, controller id) via KafkaAdminClient.describe_cluster().

        In KRaft mode the "controller id" clients see is a random live broker (clients cannot
        reach the controllers); use KraftCluster.quorum_leader() for the quorum's leader.
        """
        with closing(self.admin_client(timeout_ms)) as admin:
            meta = admin.describe_cluster()
        ids = {int(b.get("broker_id", b.get("node_id", -1))) for b in meta.get("brokers", [])
               if not b.get("is_fenced")}
        return ids, int(meta.get("controller_id", -1))

    def wait_ready(self, timeout: float = 120.0) -> set[int]:
        """Wait until every running broker is registered (unfenced) and a controller is known."""
        indexes = self.running() or list(range(self.n))  # none running: _check_alive reports it
        brokers = [i for i in indexes if self.is_broker(i)]
        want = {self.node_id(i) for i in brokers}
        deadline = time.monotonic() + timeout
        last: object = None
        while True:
            self._check_alive(indexes)
            try:
                if not any(port_open("127.0.0.1", self.ports[i]) for i in brokers):
                    raise ConnectionRefusedError("no broker listens yet")
                ids, controller = self.registered_brokers(timeout_ms=5000)
                last = (sorted(ids), controller)
                if want <= ids and controller in ids:
                    return ids
            except Exception as e:  # noqa: BLE001 - brokers still starting: retry until deadline
                last = e
            if time.monotonic() > deadline:
                raise StartupError("Kafka brokers %s not ready after %.0fs (last: %r)\n%s"
                                   % (sorted(want), timeout, last, self.tails()))
            time.sleep(1.0)

    def kafka_version(self, i: int = 0) -> str | None:
        """The version the node logged at startup ('Kafka version: x.y.z')."""
        m = re.findall(r"Kafka version: (\S+)", log_tail(self.log_path(i), 100000))
        return m[-1] if m else None


class KafkaCluster(_KafkaNodes):
    """n ZooKeeper-mode Kafka brokers on 127.0.0.1 (broker.id = index + 1)."""

    def __init__(self, n: int = 3, zk_connect: str = "", base_dir: Path | str | None = None,
                 version: str | None = None, extra_config: dict[str, object] | None = None,
                 jvm_opts: list[str] | None = None) -> None:
        if not zk_connect:
            raise ValueError("zk_connect is required (e.g. ZooKeeperEnsemble.connect_string)")
        super().__init__(n, base_dir, "streamops-kafka-", version, jvm_opts, KAFKA_HEAP)
        self.zk_connect = zk_connect
        for i in range(n):
            listener = "PLAINTEXT://127.0.0.1:%d" % self.ports[i]
            self._write_config(i, {
                "broker.id": self.node_id(i),
                "listeners": listener,
                "advertised.listeners": listener,
                "zookeeper.connect": zk_connect,
                "zookeeper.session.timeout.ms": 18000,
                "zookeeper.connection.timeout.ms": 30000,
                **_broker_properties(n),
                "controlled.shutdown.enable": "true",
                "controlled.shutdown.retry.backoff.ms": 1000,
            }, extra_config)

    def broker_id(self, i: int) -> int:
        return self.node_id(i)

    def start_broker(self, i: int, wait: bool = False, timeout: float = 120.0) -> None:
        self.start_node(i, wait=wait, timeout=timeout)

    def stop_broker(self, i: int, kill: bool = False, timeout: float = 60.0) -> None:
        """Stop broker i: SIGTERM = controlled shutdown (kill=False) or SIGKILL (kill=True)."""
        self.stop_node(i, kill=kill, timeout=timeout)


class KraftCluster(_KafkaNodes):
    """A KRaft Kafka cluster on 127.0.0.1: n nodes, node.id = index + 1.

    ``combined=True`` (default): every node is broker + controller (``process.roles=broker,controller``),
    so all n are voters of the metadata quorum. ``combined=False``: the first ``controllers`` nodes
    (default 3, at most n - 1) are dedicated controllers, the others brokers.

    The quorum is dynamic (KIP-853, ``dynamic_quorum=True``): no ``controller.quorum.voters``; every
    node has ``controller.quorum.bootstrap.servers`` (the controllers' CONTROLLER listeners) and each
    log dir is formatted before the first start with the storage tool the official
    bin/kafka-storage.sh runs::

        java -cp '<home>/libs/*' kafka.tools.StorageTool format --config <node>/server.properties \\
             --cluster-id <cluster_id> --initial-controllers 1@127.0.0.1:<port>:<dir id>,2@...,3@...
        (brokers: --no-initial-controllers instead of --initial-controllers)

    ``cluster_id`` and the controllers' ``directory_ids`` are random Kafka Uuids (kafka_uuid()).
    ``dynamic_quorum=False`` uses a static ``controller.quorum.voters`` instead (formatted without
    either option). Heaps are small (-Xmx256m). Brokers listen on ``ports[i]`` (``addresses``,
    ``bootstrap_servers``), controllers on ``controller_ports[i]``. ``release_version`` (e.g.
    ``"4.0"`` or ``"4.0-IV3"``) formats the storage at that metadata.version instead of the
    release's latest (``format --release-version``), for tests that raise it afterwards.

    stop_node(i, kill=True) SIGKILLs node i, start_node(i) starts it again (formatting only happens
    once), quorum_leader() names the quorum's leader as seen from outside, through a broker;
    stop() (leaving the ``with`` block) SIGKILLs every node (see ``stop_kills``).
    """

    dir_prefix = "node"
    # Tearing the whole cluster down kills: once the quorum has lost its majority, the last
    # brokers' controlled shutdown cannot complete and each would hang about 30 s.
    stop_kills = True

    def __init__(self, n: int = 3, base_dir: Path | str | None = None, version: str | None = None,
                 combined: bool = True, controllers: int | None = None, dynamic_quorum: bool = True,
                 cluster_id: str | None = None, extra_config: dict[str, object] | None = None,
                 jvm_opts: list[str] | None = None, release_version: str | None = None) -> None:
        version = version or read_versions()["KAFKA4_VERSION"]
        super().__init__(n, base_dir, "streamops-kraft-", version, jvm_opts, KRAFT_HEAP,
                         ports_per_node=2)
        self.release_version = release_version
        self.controller_ports = self._more_ports
        if combined:
            self.roles = ["broker,controller"] * n
        else:
            c = 3 if controllers is None else controllers
            if not 1 <= c < n:
                raise ValueError("combined=False needs 1 <= controllers < n (got %d of %d)" % (c, n))
            self.roles = ["controller"] * c + ["broker"] * (n - c)
        self.dynamic_quorum = dynamic_quorum
        self.cluster_id = cluster_id or kafka_uuid()
        self.directory_ids = {i: kafka_uuid() for i in self.controllers}
        self.initial_controllers = ",".join(
            "%d@127.0.0.1:%d:%s" % (self.node_id(i), self.controller_ports[i], self.directory_ids[i])
            for i in self.controllers)
        quorum: dict[str, object]
        if dynamic_quorum:
            quorum = {"controller.quorum.bootstrap.servers": ",".join(
                "127.0.0.1:%d" % self.controller_ports[i] for i in self.controllers)}
        else:
            quorum = {"controller.quorum.voters": ",".join(
                "%d@127.0.0.1:%d" % (self.node_id(i), self.controller_ports[i]) for i in self.controllers)}
        brokers = sum(self.is_broker(i) for i in range(n))
        for i in range(n):
            listeners = []
            if self.is_broker(i):
                listeners.append("PLAINTEXT://127.0.0.1:%d" % self.ports[i])
            if self.is_controller(i):
                listeners.append("CONTROLLER://127.0.0.1:%d" % self.controller_ports[i])
            props: dict[str, object] = {
                "process.roles": self.roles[i],
                "node.id": self.node_id(i),
                **quorum,
                "controller.listener.names": "CONTROLLER",
                "listeners": ",".join(listeners),
                "advertised.listeners": ",".join(listeners),
                "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                **_broker_properties(brokers),
                "share.coordinator.state.topic.replication.factor": min(3, brokers),
                "share.coordinator.state.topic.min.isr": min(2, brokers),
            }
            if self.is_broker(i):
                props["inter.broker.listener.name"] = "PLAINTEXT"
            self._write_config(i, props, extra_config)

    # roles ------------------------------------------------------------------------------------
    def is_broker(self, i: int) -> bool:
        return "broker" in self.roles[i].split(",")

    def is_controller(self, i: int) -> bool:
        return "controller" in self.roles[i].split(",")

    @property
    def controllers(self) -> list[int]:
        """Indexes of the quorum voters (controller role)."""
        return [i for i in range(self.n) if self.is_controller(i)]

    @property
    def brokers(self) -> list[int]:
        return [i for i in range(self.n) if self.is_broker(i)]

    # storage ----------------------------------------------------------------------------------
    def is_formatted(self, i: int) -> bool:
        return (self.node_dir(i) / "data" / "meta.properties").is_file()

    def format_command(self, i: int) -> list[str]:
        """The storage tool's ``format`` command line for node i (see the class docstring)."""
        args = ["format", "--config", str(self.config_path(i)), "--cluster-id", self.cluster_id]
        if self.dynamic_quorum:
            args += (["--initial-controllers", self.initial_controllers] if self.is_controller(i)
                     else ["--no-initial-controllers"])
        if self.release_version:
            args += ["--release-version", self.release_version]
        return self.jvm_command(i, KAFKA_STORAGE_TOOL, *args, heap=["-Xmx128m"])

    def format_storage(self, nodes: Iterable[int] | None = None, timeout: float = 120.0) -> None:
        """Format the log dirs of the given (default: all) nodes not formatted yet, in parallel."""
        todo = [i for i in (range(self.n) if nodes is None else nodes) if not self.is_formatted(i)]
        procs = [(i, subprocess.Popen(self.format_command(i), stdin=subprocess.DEVNULL,
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
                 for i in todo]
        failed = []
        for i, proc in procs:
            try:
                out = proc.communicate(timeout=timeout)[0]
            except subprocess.TimeoutExpired:
                proc.kill()
                out = proc.communicate()[0] + "\n(timed out after %.0fs)" % timeout
            with self.log_path(i).open("a") as log:
                log.write("=== format: %s\n%s\n" % (" ".join(self.format_command(i)), out))
            if proc.returncode != 0 or not self.is_formatted(i):
                failed.append("node %d (rc %s):\n%s" % (i, proc.returncode, out[-3000:]))
        if failed:
            raise StartupError("formatting KRaft storage failed for " + "\n".join(failed))

    def start(self, wait: bool = True, timeout: float | None = None) -> "KraftCluster":
        try:
            self.format_storage()
        except BaseException:
            self.stop()
            raise
        return super().start(wait=wait, timeout=timeout)

    def start_node(self, i: int, wait: bool = False, timeout: float | None = None) -> None:
        self.format_storage([i])
        super().start_node(i, wait=wait, timeout=timeout)

    # quorum -------------------------------------------------------------------------------------
    def describe_quorum(self, timeout_ms: int = 10000) -> dict:
        """The metadata quorum, seen from outside through a running broker.

        This is the ``__cluster_metadata`` partition 0 entry of kafka-python's
        ``KafkaAdminClient.describe_metadata_quorum()`` (a DescribeQuorum request, which brokers
        forward to the quorum leader), a dict like::

            {"partition_index": 0, "error": None,        # error: None or the error's text
             "leader_id": 2, "leader_epoch": 3, "high_watermark": 187,
             "current_voters": [{"replica_id": 1,
                                 "replica_directory_id": "a76a2625-8c77-4aa5-87ff-2982149c5a1d",
                                 "log_end_offset": 187, "last_fetch_timestamp": 1732223344556,
                                 "last_caught_up_timestamp": 1732223344556}, ...],
             "observers": [...same keys; the brokers of a dedicated-controller cluster...]}

        plus ``"nodes"``: the top level ``nodes`` list of the response (KIP-853: the voters'
        endpoints, ``[{"node_id": 1, "listeners": [{"name": "CONTROLLER", "host": "127.0.0.1",
        "port": 40123}]}, ...]``). ``leader_id`` is -1 while there is no leader; ``high_watermark``
        is -1 until a new leader has established it; ``log_end_offset`` and the timestamps (epoch
        milliseconds) are -1 when unknown, e.g. for a voter that has not fetched from this leader
        (a killed one). ``replica_directory_id`` is the voter's directory id in kafka-python's
        UUID text form: ``uuid_text(directory_ids[i])``.
        """
        # A node killed a moment ago stays in the metadata for a few seconds and kafka-python's
        # admin client does not retry a refused connection: retry until timeout_ms has passed.
        deadline = time.monotonic() + timeout_ms / 1000.0
        while True:
            try:
                with closing(self.admin_client(timeout_ms)) as admin:
                    response = admin.describe_metadata_quorum()
                break
            except Exception:  # pylint: disable=broad-except  # any transport error: retried
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.5)
        partition = dict(response["topics"][0]["partitions"][0])
        if partition.get("error"):
            raise RuntimeError("DescribeQuorum failed: %s" % partition["error"])
        partition["nodes"] = response.get("nodes", [])
        return partition

    def quorum_leader(self, timeout_ms: int = 10000) -> int | None:
        """The node id of the quorum's leader (the active controller), None while there is none."""
        leader = int(self.describe_quorum(timeout_ms)["leader_id"])
        return leader if leader >= 0 else None

    def wait_quorum(self, timeout: float = 60.0, max_lag: int = 10,
                    exclude: Iterable[int] = ()) -> dict:
        """Wait until the quorum has a leader that is not among ``exclude`` (node ids), with a known
        high watermark, and every running controller is a voter whose log end offset is known and
        within ``max_lag`` records of it; return describe_quorum()."""
        exclude = set(exclude)
        want = {self.node_id(i) for i in self.running() if self.is_controller(i)}
        deadline = time.monotonic() + timeout
        last: object = None
        while True:
            try:
                quorum = self.describe_quorum(timeout_ms=5000)
                hw = quorum["high_watermark"]
                lag = {v["replica_id"]: hw - v["log_end_offset"] if v["log_end_offset"] >= 0 else None
                       for v in quorum["current_voters"]}
                last = (quorum["leader_id"], hw, lag)
                if quorum["leader_id"] >= 0 and quorum["leader_id"] not in exclude and hw >= 0 \
                        and all(lag.get(nid) is not None and lag[nid] <= max_lag for nid in want):
                    return quorum
            except Exception as e:  # noqa: BLE001 - no broker/leader yet: retry until deadline
                last = e
            if time.monotonic() > deadline:
                raise StartupError("KRaft quorum not settled after %.0fs (last: %r)\n%s"
                                   % (timeout, last, self.tails()))
            time.sleep(0.5)


# --------------------------------------------------------------------------------------------------
# TLS + SASL/SCRAM + ACLs


def make_test_pki(directory: Path, nodes: Iterable[str], days: int = 2,
                  sans: Iterable[str] = ("localhost", "127.0.0.1")) -> dict[str, Path]:
    """A private CA and one certificate per node name, as PEM files in ``directory``.

    Uses ``cryptography`` (imported here: only the secured clusters need it). Keys are EC P-256.
    Every node certificate has the SANs ``sans`` (IP addresses as such; by default ``localhost``
    and ``127.0.0.1``: every test node listens on loopback), subject ``CN=<name>`` and both TLS
    server and client usage (the controller
    listener authenticates nodes by certificate). Returns ``{"ca": <ca.pem>, <name>: <name>.pem}``
    where ``<name>.pem`` is what Kafka's ``ssl.keystore.type=PEM`` reads: the unencrypted PKCS#8
    private key, then the certificate and the CA certificate (the chain).
    """
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)
    until = now + datetime.timedelta(days=days)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "streamops test CA")])
    ca_cert = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
               .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now).not_valid_after(until)
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                            content_commitment=False, key_encipherment=False,
                                            data_encipherment=False, key_agreement=False,
                                            encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
               .sign(ca_key, hashes.SHA256()))
    ca_pem = ca_cert.public_bytes(serialization.Encoding.PEM)
    alt_names: list[x509.GeneralName] = []
    for san in sans:
        try:
            alt_names.append(x509.IPAddress(ipaddress.ip_address(san)))
        except ValueError:
            alt_names.append(x509.DNSName(san))
    out = {"ca": directory / "ca.pem"}
    out["ca"].write_bytes(ca_pem)
    for name in nodes:
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
                .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now).not_valid_after(until)
                .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH,
                                                      ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                               critical=False)
                .sign(ca_key, hashes.SHA256()))
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        path = directory / ("%s.pem" % name)
        path.write_bytes(pem + cert.public_bytes(serialization.Encoding.PEM) + ca_pem)
        path.chmod(0o600)
        out[name] = path
    return out


def _read_properties(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            out[key] = value
    return out


class SecureKraftCluster(KraftCluster):
    """A :class:`KraftCluster` (Kafka 4.x) with TLS, SASL/SCRAM and the StandardAuthorizer.

    Per node (``node.id`` = index + 1), on top of the KraftCluster settings:

    * ``SASL_SSL://127.0.0.1:<ports[i]>``: clients and inter-broker traffic, SCRAM-SHA-512 (and
      SCRAM-SHA-256 for clients); ``listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config`` holds the
      super user's credentials, which the broker also uses for its own inter-broker connections;
    * ``CONTROLLER://127.0.0.1:<controller_ports[i]>``: SSL with client certificates required
      (``listener.name.controller.ssl.client.auth=required``), so controllers and brokers are
      ``User:CN=streamops-node-<id>`` there (the certificate's distinguished name);
    * ``SANLESS://127.0.0.2:<alt_ports[i]>``: SASL_SSL again, on a loopback address that is not in
      the certificate's SANs (for the host name verification test; advertised as itself);
    * PEM key and trust stores (``ssl.keystore.type=PEM``, no store passwords: Kafka refuses a
      password for PEM stores, and the PKCS#8 key is not encrypted, so no ``ssl.key.password``);
    * ``authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer``,
      ``allow.everyone.if.no.acl.found=false``, ``super.users=User:<admin>;User:CN=streamops-node-<id>...``;
    * the super user's SCRAM-SHA-512 credential written at format time
      (``format ... --add-scram SCRAM-SHA-512=[name=admin,password=...]``), so it exists before
      the first start.

    ``tls`` holds the PEM paths (``tls["ca"]`` is what clients verify the brokers with);
    ``client_security()`` the kafka-python arguments of the super user.
    """

    ADMIN_USER = "admin"

    def __init__(self, n: int = 1, base_dir: Path | str | None = None, version: str | None = None,
                 admin_password: str = "admin-secret-Pa55word", extra_config: dict[str, object] | None = None,
                 **kw) -> None:
        super().__init__(n, base_dir, version=version, extra_config=extra_config, **kw)
        self.admin_password = admin_password
        self.alt_ports = free_ports(n)
        names = ["streamops-node-%d" % self.node_id(i) for i in range(n)]
        self.tls = make_test_pki(self.base_dir / "tls", names)
        self.node_principals = ["User:CN=%s" % name for name in names]
        scram_server = "org.apache.kafka.common.security.scram.ScramLoginModule required;"
        scram_inter_broker = ('org.apache.kafka.common.security.scram.ScramLoginModule required '
                              'username="%s" password="%s";' % (self.ADMIN_USER, admin_password))
        for i in range(n):
            props: dict[str, object] = dict(_read_properties(self.config_path(i)))
            listeners, advertised = [], []
            if self.is_broker(i):
                listeners += ["SASL_SSL://127.0.0.1:%d" % self.ports[i], "SANLESS://127.0.0.2:%d" % self.alt_ports[i]]
                advertised += listeners
            if self.is_controller(i):
                listeners.append("CONTROLLER://127.0.0.1:%d" % self.controller_ports[i])
            props.update({
                "listeners": ",".join(listeners),
                "advertised.listeners": ",".join(advertised),
                "listener.security.protocol.map": "CONTROLLER:SSL,SASL_SSL:SASL_SSL,SANLESS:SASL_SSL",
                "ssl.keystore.type": "PEM",
                "ssl.keystore.location": self.tls[names[i]],
                "ssl.truststore.type": "PEM",
                "ssl.truststore.location": self.tls["ca"],
                "listener.name.controller.ssl.client.auth": "required",
                "sasl.enabled.mechanisms": "SCRAM-SHA-512,SCRAM-SHA-256",
                "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config": scram_inter_broker,
                "listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config": scram_server,
                "listener.name.sanless.scram-sha-512.sasl.jaas.config": scram_server,
                "listener.name.sanless.scram-sha-256.sasl.jaas.config": scram_server,
                "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "allow.everyone.if.no.acl.found": "false",
                "super.users": ";".join(["User:%s" % self.ADMIN_USER] + self.node_principals),
            })
            if self.is_broker(i):
                props["inter.broker.listener.name"] = "SASL_SSL"
                props["sasl.mechanism.inter.broker.protocol"] = "SCRAM-SHA-512"
            props.pop("log.dirs", None)
            self._write_config(i, props, extra_config)

    def format_command(self, i: int) -> list[str]:
        return super().format_command(i) + [
            "--add-scram", "SCRAM-SHA-512=[name=%s,password=%s]" % (self.ADMIN_USER, self.admin_password)]

    @property
    def sanless_addresses(self) -> list[str]:
        """host:port of the brokers' listeners on 127.0.0.2, an address their certificates do not name."""
        return ["127.0.0.2:%d" % self.alt_ports[i] for i in range(self.n) if self.is_broker(i)]

    def client_security(self, user: str | None = None, password: str | None = None,
                        mechanism: str = "SCRAM-SHA-512") -> dict[str, object]:
        """kafka-python arguments for SASL_SSL as ``user`` (default: the super user), verifying the host name."""
        return dict(security_protocol="SASL_SSL", ssl_cafile=str(self.tls["ca"]), ssl_check_hostname=True,
                    sasl_mechanism=mechanism, sasl_plain_username=user or self.ADMIN_USER,
                    sasl_plain_password=self.admin_password if password is None else password)
