"""Real ZooKeeper ensembles and Kafka clusters on 127.0.0.1, started from the mirror tarballs.

Stdlib only (plus kafka-python, imported lazily by :meth:`KafkaCluster.wait_ready`). The JVMs are
started the way our systemd units start them, straight from the unpacked distributions::

    java ... -cp '<zk home>/lib/*:<confdir>' org.apache.zookeeper.server.quorum.QuorumPeerMain zoo.cfg
    java ... -cp '<kafka home>/libs/*' -Dlog4j.configuration=file:... kafka.Kafka server.properties

Both classes are context managers; leaving the ``with`` block (or an exception in ``start()``)
stops every process they started. Every process also gets killed at interpreter exit as a last
resort. Startup failures raise :class:`StartupError` carrying the tail of the node's log.

Typical use::

    with ZooKeeperEnsemble(3, tmp_path / "zk") as zk, \\
         KafkaCluster(3, zk.connect_string, tmp_path / "kafka") as kafka:
        ... kafka.bootstrap_servers ...

Node indexes are 0-based (``stop_node(0)``); ZooKeeper ``myid`` and Kafka ``broker.id`` are
index + 1. Memory is kept small (ZooKeeper -Xmx256m, Kafka -Xmx512m -Xms256m, serial GC, C1 only)
because tests run 3 ZooKeeper nodes and 3 brokers at once on a 2-core machine.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
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


def free_ports(count: int) -> list[int]:
    """``count`` distinct currently free TCP ports on 127.0.0.1."""
    socks, ports = [], []
    try:
        while len(ports) < count:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
            ports.append(s.getsockname()[1])
    finally:
        for s in socks:
            s.close()
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


def four_letter_word(host: str, port: int, word: str, timeout: float = 3.0) -> str:
    """Send a ZooKeeper four letter word (e.g. 'srvr') over a plain socket; return the answer."""
    with socket.create_connection((host, port), timeout=timeout) as s:
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
    """Shared bits: base dir handling, process list, context manager."""

    kind = "node"

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
    def log_path(self, i: int) -> Path:
        raise NotImplementedError

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
        for i in reversed(range(self.n)):
            _terminate(self.procs[i])
            self.procs[i] = None
        if remove_dir and self._own_dir and not os.environ.get("STREAMOPS_KEEP_TEST_DIRS"):
            shutil.rmtree(self.base_dir, ignore_errors=True)


# --------------------------------------------------------------------------------------------------
# ZooKeeper


class ZooKeeperEnsemble(_Nodes):
    """n ZooKeeper servers on 127.0.0.1 (n=1: standalone), each with its own conf/data/log dirs."""

    kind = "zookeeper"

    def __init__(self, n: int = 3, base_dir: Path | str | None = None, version: str | None = None,
                 tick_time: int = 1000, extra_config: dict[str, object] | None = None,
                 jvm_opts: list[str] | None = None) -> None:
        super().__init__(n, base_dir, "streamops-zk-")
        self.home = ensure_unpacked("zookeeper", version)
        ports = free_ports(4 * n)
        self.client_ports = ports[0:n]
        self.quorum_ports = ports[n:2 * n]
        self.election_ports = ports[2 * n:3 * n]
        self.admin_ports = ports[3 * n:4 * n]
        self.jvm_opts = list(jvm_opts or [])
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
            cfg.update(extra_config or {})
            _write_properties(self.cfg_path(i), cfg)

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

    # lifecycle ---------------------------------------------------------------------------------
    def start(self, wait: bool = True, timeout: float = 90.0) -> "ZooKeeperEnsemble":
        try:
            for i in range(self.n):
                self.start_node(i, wait=False)
            if wait:
                self.wait_serving(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def start_node(self, i: int, wait: bool = False, timeout: float = 60.0) -> None:
        if self.is_running(i):
            return
        self.procs[i] = _spawn(self.command(i), self.log_path(i), self.node_dir(i))
        if wait:
            self.wait_serving(timeout, nodes=[i])

    def stop_node(self, i: int, kill: bool = False) -> None:
        """Stop node i: SIGTERM (kill=False) or SIGKILL (kill=True)."""
        _terminate(self.procs[i], kill=kill)
        self.procs[i] = None

    # state ------------------------------------------------------------------------------------
    def srvr(self, i: int, timeout: float = 3.0) -> dict[str, str]:
        """The parsed 'srvr' answer of node i ({} if it does not answer or is not serving)."""
        try:
            return parse_srvr(four_letter_word("127.0.0.1", self.client_ports[i], "srvr", timeout))
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


class KafkaCluster(_Nodes):
    """n ZooKeeper-mode Kafka brokers on 127.0.0.1 (broker.id = index + 1)."""

    kind = "broker"

    def __init__(self, n: int = 3, zk_connect: str = "", base_dir: Path | str | None = None,
                 version: str | None = None, extra_config: dict[str, object] | None = None,
                 jvm_opts: list[str] | None = None) -> None:
        if not zk_connect:
            raise ValueError("zk_connect is required (e.g. ZooKeeperEnsemble.connect_string)")
        super().__init__(n, base_dir, "streamops-kafka-")
        self.home = ensure_unpacked("kafka", version)
        self.zk_connect = zk_connect
        self.ports = free_ports(n)
        self.jvm_opts = list(jvm_opts or [])
        self.log4j_path = self.base_dir / "log4j.properties"
        self.log4j_path.write_text(KAFKA_LOG4J)
        rf = min(3, n)
        for i in range(n):
            d = self.node_dir(i)
            (d / "data").mkdir(parents=True, exist_ok=True)
            (d / "logs").mkdir(parents=True, exist_ok=True)
            props: dict[str, object] = {
                "broker.id": self.broker_id(i),
                "listeners": "PLAINTEXT://127.0.0.1:%d" % self.ports[i],
                "advertised.listeners": "PLAINTEXT://127.0.0.1:%d" % self.ports[i],
                "log.dirs": d / "data",
                "zookeeper.connect": zk_connect,
                "zookeeper.session.timeout.ms": 18000,
                "zookeeper.connection.timeout.ms": 30000,
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
                "controlled.shutdown.enable": "true",
                "controlled.shutdown.retry.backoff.ms": 1000,
            }
            props.update(extra_config or {})
            _write_properties(self.config_path(i), props)

    def broker_id(self, i: int) -> int:
        return i + 1

    def node_dir(self, i: int) -> Path:
        return self.base_dir / ("broker%d" % self.broker_id(i))

    def config_path(self, i: int) -> Path:
        return self.node_dir(i) / "server.properties"

    def log_path(self, i: int) -> Path:
        return self.node_dir(i) / "kafka.out"

    @property
    def addresses(self) -> list[str]:
        return ["127.0.0.1:%d" % p for p in self.ports]

    @property
    def bootstrap_servers(self) -> str:
        return ",".join(self.addresses)

    def command(self, i: int) -> list[str]:
        return [java_bin(), *KAFKA_HEAP, *COMMON_JVM_OPTS, *self.jvm_opts,
                "-Dlog4j.configuration=file:%s" % self.log4j_path,
                "-Dkafka.logs.dir=%s" % (self.node_dir(i) / "logs"),
                "-cp", "%s/libs/*" % self.home,
                KAFKA_MAIN, str(self.config_path(i))]

    # lifecycle ---------------------------------------------------------------------------------
    def start(self, wait: bool = True, timeout: float = 120.0) -> "KafkaCluster":
        try:
            for i in range(self.n):
                self.start_broker(i, wait=False)
            if wait:
                self.wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def start_broker(self, i: int, wait: bool = False, timeout: float = 120.0) -> None:
        if self.is_running(i):
            return
        self.procs[i] = _spawn(self.command(i), self.log_path(i), self.node_dir(i))
        if wait:
            self.wait_ready(timeout)

    def stop_broker(self, i: int, kill: bool = False, timeout: float = 60.0) -> None:
        """Stop broker i: SIGTERM = controlled shutdown (kill=False) or SIGKILL (kill=True)."""
        _terminate(self.procs[i], kill=kill, timeout=timeout)
        self.procs[i] = None

    # state ------------------------------------------------------------------------------------
    def registered_brokers(self, timeout_ms: int = 10000) -> tuple[set[int], int]:
        """(broker ids the cluster reports, controller id) via KafkaAdminClient.describe_cluster()."""
        from kafka import KafkaAdminClient  # lazy: ZooKeeper-only users need no kafka-python

        running = [self.addresses[i] for i in self.running()] or self.addresses
        config: dict[str, object] = dict(bootstrap_servers=running, request_timeout_ms=timeout_ms,
                                         client_id="streamops-cluster-probe")
        if "bootstrap_timeout_ms" in getattr(KafkaAdminClient, "DEFAULT_CONFIG", {}):
            config["bootstrap_timeout_ms"] = timeout_ms
        admin = KafkaAdminClient(**config)
        try:
            meta = admin.describe_cluster()
        finally:
            admin.close()
        ids = {int(b.get("broker_id", b.get("node_id", -1))) for b in meta.get("brokers", [])}
        return ids, int(meta.get("controller_id", -1))

    def wait_ready(self, timeout: float = 120.0) -> set[int]:
        """Wait until every running broker is registered and a controller is elected."""
        indexes = self.running() or list(range(self.n))  # none running: _check_alive reports it
        want = {self.broker_id(i) for i in indexes}
        deadline = time.monotonic() + timeout
        last: object = None
        while True:
            self._check_alive(indexes)
            try:
                if not any(port_open("127.0.0.1", self.ports[i]) for i in indexes):
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
        """The version the broker logged at startup ('Kafka version: x.y.z')."""
        m = re.findall(r"Kafka version: (\S+)", log_tail(self.log_path(i), 100000))
        return m[-1] if m else None
