#!/usr/bin/env bash
# build-mirror.sh: assemble REAL Apache Kafka and ZooKeeper binary distributions from the jars on
# Maven Central (apache.org itself is not reachable here) and lay them out like the Apache
# download mirror, so roles and tests can install them from a plain HTTP server:
#
#   $CACHE/mirror/kafka/<v>/kafka_<scala>-<v>.tgz                              (+ .sha512)
#   $CACHE/mirror/zookeeper/zookeeper-<v>/apache-zookeeper-<v>-bin.tar.gz     (+ .sha512)
#
# CACHE=${STREAMOPS_CACHE:-$HOME/.cache/streamops-kafka}. The archives keep the official top
# directories (kafka_2.13-<v>/libs/*.jar, apache-zookeeper-<v>-bin/lib/*.jar); what differs from
# the official tarballs is documented in docs/MIRROR.md.
#
# Cached: nothing is rebuilt while the archives and their .sha512 files are present and intact
# and the recorded recipe hash (this script + scripts/versions.env) is unchanged.
# The archives are reproducible (sorted entries, fixed mtime, owner 0, gzip -n): a rebuild of
# the same recipe gives byte-identical files and so the same sha512.
#
# Usage: scripts/build-mirror.sh [--force] [--check-updates]
#   --force          rebuild even when the cache is up to date
#   --check-updates  only report whether Maven Central has newer patch releases of the pinned
#                    Kafka/ZooKeeper series (resolvable with all their parent POMs); builds nothing
# Env: STREAMOPS_CACHE, MVN (maven command, default mvn),
#      MAVEN_ARGS_EXTRA (extra maven args, e.g. -o or -Dmaven.repo.local=DIR).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
self="$here/$(basename "${BASH_SOURCE[0]}")"
versions_env="$here/versions.env"
# shellcheck source=scripts/versions.env disable=SC1091
source "$versions_env"

: "${KAFKA_VERSION:?versions.env must set KAFKA_VERSION}"
: "${KAFKA_SCALA_VERSION:?versions.env must set KAFKA_SCALA_VERSION}"
: "${ZOOKEEPER_VERSION:?versions.env must set ZOOKEEPER_VERSION}"

CACHE=${STREAMOPS_CACHE:-$HOME/.cache/streamops-kafka}
MIRROR=$CACHE/mirror
WORK=$CACHE/mirror-build          # stamp, lock, temp dirs (not served)
STAMP=$WORK/recipe.sha256
EPOCH=1704067200                   # archive entry mtime: 2024-01-01T00:00:00Z (part of the recipe)
MVN=${MVN:-mvn}
DEP_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.6.1

KAFKA_DIR="kafka_${KAFKA_SCALA_VERSION}-${KAFKA_VERSION}"
KAFKA_ARCHIVE="$MIRROR/kafka/$KAFKA_VERSION/$KAFKA_DIR.tgz"
ZK_DIR="apache-zookeeper-${ZOOKEEPER_VERSION}-bin"
ZK_ARCHIVE="$MIRROR/zookeeper/zookeeper-$ZOOKEEPER_VERSION/$ZK_DIR.tar.gz"

force=0
check_updates=0
for arg in "$@"; do
  case $arg in
    --force) force=1 ;;
    --check-updates) check_updates=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$self" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-mirror: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

log() { printf 'build-mirror: %s\n' "$*" >&2; }
die() { printf 'build-mirror: ERROR: %s\n' "$*" >&2; exit 1; }

command -v "$MVN" >/dev/null || die "maven ($MVN) not found"
command -v java >/dev/null || die "java not found"

mvn_run() { # mvn_run POM ARGS...: quiet batch maven; on failure show its output
  local pom=$1; shift
  local out
  # shellcheck disable=SC2086
  if ! out=$("$MVN" -B -q -f "$pom" ${MAVEN_ARGS_EXTRA:-} "$@" 2>&1); then
    printf '%s\n' "$out" | grep -v '^\[INFO\] Download' | tail -40 >&2
    return 1
  fi
}

# --- --check-updates -------------------------------------------------------------------------
probe_pom() { # a do-nothing project to run plugin goals in
  mkdir -p "$1"
  cat > "$1/pom.xml" <<'EOF'
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>streamops.mirror</groupId><artifactId>probe</artifactId><version>0</version>
  <packaging>pom</packaging>
</project>
EOF
}

probe_version() { # probe_version G A V -> ok | missing | broken (on Central, POM tree unresolvable)
  local out
  # shellcheck disable=SC2086
  if out=$("$MVN" -B -U -f "$probe/pom.xml" ${MAVEN_ARGS_EXTRA:-} "$DEP_PLUGIN:get" -Dtransitive=true \
             "-Dartifact=$1:$2:$3" 2>&1); then
    echo ok
  elif grep -Eq "(Could not find artifact $1:$2:(jar|pom):$3 |$1:$2:(jar|pom):$3 was not found)" <<<"$out"; then
    echo missing
  else
    echo broken
  fi
}

if ((check_updates)); then
  probe=$(mktemp -d); trap 'rm -rf "$probe"' EXIT
  probe_pom "$probe"
  rc=0
  for ga_v in "org.apache.kafka:kafka_${KAFKA_SCALA_VERSION}:$KAFKA_VERSION:KAFKA_VERSION" \
              "org.apache.zookeeper:zookeeper:$ZOOKEEPER_VERSION:ZOOKEEPER_VERSION"; do
    IFS=: read -r g a v var <<<"$ga_v"
    series=${v%.*}; patch=${v##*.}; newest=$v
    # walk forward patch by patch (bounded) until the jar no longer exists
    for ((p = patch + 1; p <= patch + 10; p++)); do
      cand="$series.$p"
      case $(probe_version "$g" "$a" "$cand") in
        ok) newest=$cand ;;
        broken) log "$g:$a:$cand is on Maven Central but its POM tree does not resolve (skipped)" ;;
        *) break ;;
      esac
    done
    if [[ $newest == "$v" ]]; then log "$var=$v is the newest resolvable $series.x"
    else log "$var=$v: newer $newest is available (update scripts/versions.env)"; rc=3; fi
  done
  exit $rc
fi

# --- cache check ---------------------------------------------------------------------------------
mkdir -p "$MIRROR" "$WORK"
exec 9>"$WORK/lock"
flock 9   # several test runs may call us at once: one builds, the others then see the cache

recipe=$(cat "$self" "$versions_env" | sha256sum | cut -c1-64)

archive_ok() { # archive_ok PATH: archive + .sha512 present and matching
  [[ -s $1 && -s $1.sha512 ]] && (cd "$(dirname "$1")" && sha512sum --status -c "$(basename "$1").sha512")
}

if ((!force)) && [[ "$(cat "$STAMP" 2>/dev/null)" == "$recipe" ]] \
   && archive_ok "$KAFKA_ARCHIVE" && archive_ok "$ZK_ARCHIVE"; then
  log "up to date (recipe ${recipe:0:12}): $KAFKA_ARCHIVE, $ZK_ARCHIVE"
  exit 0
fi

tmp=$(mktemp -d "$WORK/tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# --- helpers ---------------------------------------------------------------------------------------
# write_pom DIR ARTIFACT_ID DEPENDENCY_MANAGEMENT_XML DEPENDENCIES_XML
write_pom() {
  mkdir -p "$1"
  cat > "$1/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- generated by scripts/build-mirror.sh: resolves a distribution's runtime classpath -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>streamops.mirror</groupId>
  <artifactId>$2</artifactId>
  <version>0</version>
  <packaging>jar</packaging>
  <dependencyManagement>
    <dependencies>
$3
    </dependencies>
  </dependencyManagement>
  <dependencies>
$4
  </dependencies>
</project>
EOF
}

dep() { # dep G A [V] [SCOPE]: one <dependency> element
  printf '    <dependency><groupId>%s</groupId><artifactId>%s</artifactId>%s<scope>%s</scope></dependency>\n' \
    "$1" "$2" "${3:+<version>$3</version>}" "${4:-compile}"
}

# copy_classpath POMDIR LIBDIR: copy the runtime classpath (compile+runtime scope) into LIBDIR,
# and write POMDIR/classpath.txt with the resolved coordinates (sorted)
copy_classpath() {
  local pomdir=$1 libdir=$2
  mkdir -p "$libdir"
  mvn_run "$pomdir/pom.xml" \
    "$DEP_PLUGIN:copy-dependencies" -DincludeScope=runtime -DoutputDirectory="$libdir" \
    "$DEP_PLUGIN:list" -DincludeScope=runtime -DoutputFile="$pomdir/list.txt" \
    -DoutputAbsoluteArtifactFilename=false -DappendOutput=false \
    || die "maven could not resolve $(basename "$pomdir")'s classpath (is Maven Central reachable?)"
  # "   group:artifact:jar[:classifier]:version:scope" lines -> coordinates
  sed -n 's/^ *\([^ ]*:[^ ]*:[^ ]*:[^ ]*\)\( .*\)\{0,1\}$/\1/p' "$pomdir/list.txt" \
    | sed 's/:\(compile\|runtime\)$//' | LC_ALL=C sort -u > "$pomdir/classpath.txt"
  local n_dep n_jar
  n_dep=$(grep -c . "$pomdir/classpath.txt")
  n_jar=$(find "$libdir" -name '*.jar' | wc -l)
  [[ $n_dep -gt 0 && $n_dep -eq $n_jar ]] \
    || die "$(basename "$pomdir"): $n_dep dependencies resolved but $n_jar jars copied (file name clash?)"
}

require_jars() { # require_jars LIBDIR GLOB...: each glob must match a jar
  local libdir=$1 g; shift
  for g in "$@"; do
    compgen -G "$libdir/$g" >/dev/null || die "$(basename "$(dirname "$libdir")"): no $g in $libdir"
  done
}
forbid_jars() { # forbid_jars LIBDIR GLOB...: none may match (e.g. a second SLF4J binding)
  local libdir=$1 g; shift
  for g in "$@"; do
    if compgen -G "$libdir/$g" >/dev/null; then
      die "unexpected $(compgen -G "$libdir/$g" | xargs -n1 basename | tr '\n' ' ')in $libdir"
    fi
  done
}

extract_from_jar() { # extract_from_jar JAR MEMBER DEST
  python3 - "$@" <<'EOF'
import sys, zipfile
jar, member, dest = sys.argv[1:]
with zipfile.ZipFile(jar) as z:
    data = z.read(member)
with open(dest, "wb") as f:
    f.write(data)
EOF
}

# make_archive STAGE_DIR TOPDIR OUT: reproducible tar.gz of STAGE_DIR/TOPDIR
make_archive() {
  local stage=$1 top=$2 out=$3
  mkdir -p "$(dirname "$out")"
  (cd "$stage" && LC_ALL=C tar --sort=name --format=gnu --mtime="@$EPOCH" \
     --owner=0 --group=0 --numeric-owner --mode='u+rwX,go+rX,go-w' -cf - "$top") \
    | gzip -n -6 > "$out.tmp"
  mv -f "$out.tmp" "$out"
  (cd "$(dirname "$out")" && sha512sum "$(basename "$out")" > "$(basename "$out").sha512.tmp" \
     && mv -f "$(basename "$out").sha512.tmp" "$(basename "$out").sha512")
  log "wrote $out ($(du -h "$out" | cut -f1), sha512 $(cut -c1-16 "$out.sha512")...)"
}

readme() { # readme TITLE POMDIR > file
  cat <<EOF
$1

This is NOT the tarball published on downloads.apache.org. It was assembled by
streamops.kafka's scripts/build-mirror.sh from the unmodified release jars that the
Apache project publishes to Maven Central, resolved with Maven (runtime scope) and laid
out like the official binary distribution. See docs/MIRROR.md in the collection for the
differences (no bin/ scripts, no docs, minimal config files).

Maven coordinates of the jars in this archive:
EOF
  sed 's/^/  /' "$2/classpath.txt"
}

# --- Kafka -------------------------------------------------------------------------------------------
build_kafka() {
  local v=$KAFKA_VERSION s=$KAFKA_SCALA_VERSION
  local pomdir=$tmp/kafka-pom stage=$tmp/kafka-stage
  local home=$stage/$KAFKA_DIR
  log "resolving Kafka $v (Scala $s) from Maven Central"
  # kafka_<s>: the broker (core) with its runtime deps (clients, server, storage, metadata, raft,
  #   group/transaction coordinators, zookeeper client, scala, jackson, metrics, slf4j-api, ...).
  # kafka-tools: the admin CLI classes the official bin/*.sh scripts run (TopicCommand,
  #   ConsumerGroupCommand, ...); its runtime scope also brings the logging binding the official
  #   tarball ships (slf4j-reload4j + reload4j) and connect-runtime/jetty/jersey, as in libs/.
  write_pom "$pomdir" "kafka-dist" "" \
    "$(dep org.apache.kafka "kafka_$s" "$v")
$(dep org.apache.kafka kafka-tools "$v")"
  copy_classpath "$pomdir" "$home/libs"
  require_jars "$home/libs" "kafka_$s-$v.jar" "kafka-clients-$v.jar" "kafka-server-$v.jar" \
    "kafka-server-common-$v.jar" "kafka-storage-$v.jar" "kafka-metadata-$v.jar" "kafka-raft-$v.jar" \
    "kafka-tools-$v.jar" "kafka-group-coordinator-$v.jar" "kafka-transaction-coordinator-$v.jar" \
    "scala-library-*.jar" "scala-reflect-*.jar" "zookeeper-3.*.jar" "zookeeper-jute-*.jar" \
    "slf4j-api-*.jar" "slf4j-reload4j-*.jar" "reload4j-*.jar" "metrics-core-2.*.jar" \
    "jackson-databind-*.jar" "jopt-simple-*.jar" "snappy-java-*.jar" "zstd-jni-*.jar" "lz4-java-*.jar"
  # exactly one SLF4J binding (Kafka 3.9 logs through slf4j 1.7 -> reload4j)
  forbid_jars "$home/libs" "logback-classic-*.jar" "slf4j-log4j12-*.jar" "log4j-slf4j*-impl-*.jar" "slf4j-simple-*.jar"

  extract_from_jar "$home/libs/kafka-clients-$v.jar" LICENSE "$home/LICENSE"
  extract_from_jar "$home/libs/kafka-clients-$v.jar" NOTICE "$home/NOTICE"
  mkdir -p "$home/config"
  cat > "$home/config/server.properties" <<'EOF'
# Minimal ZooKeeper-mode broker configuration (streamops mirror; see docs/MIRROR.md).
# Deployments render their own server.properties; this is only a runnable example.
broker.id=0
listeners=PLAINTEXT://:9092
num.network.threads=3
num.io.threads=8
socket.send.buffer.bytes=102400
socket.receive.buffer.bytes=102400
socket.request.max.bytes=104857600
log.dirs=/tmp/kafka-logs
num.partitions=1
num.recovery.threads.per.data.dir=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
log.retention.hours=168
log.segment.bytes=1073741824
log.retention.check.interval.ms=300000
zookeeper.connect=localhost:2181
zookeeper.connection.timeout.ms=18000
group.initial.rebalance.delay.ms=0
EOF
  cat > "$home/config/log4j.properties" <<'EOF'
# Minimal broker logging (reload4j). Pass -Dkafka.logs.dir=<dir>, as the official
# bin/kafka-run-class.sh does; without it the file appenders write to the working directory.
log4j.rootLogger=INFO, stdout, kafkaAppender

log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n

log4j.appender.kafkaAppender=org.apache.log4j.DailyRollingFileAppender
log4j.appender.kafkaAppender.DatePattern='.'yyyy-MM-dd-HH
log4j.appender.kafkaAppender.File=${kafka.logs.dir}/server.log
log4j.appender.kafkaAppender.layout=org.apache.log4j.PatternLayout
log4j.appender.kafkaAppender.layout.ConversionPattern=[%d] %p %m (%c)%n

log4j.appender.stateChangeAppender=org.apache.log4j.DailyRollingFileAppender
log4j.appender.stateChangeAppender.DatePattern='.'yyyy-MM-dd-HH
log4j.appender.stateChangeAppender.File=${kafka.logs.dir}/state-change.log
log4j.appender.stateChangeAppender.layout=org.apache.log4j.PatternLayout
log4j.appender.stateChangeAppender.layout.ConversionPattern=[%d] %p %m (%c)%n

log4j.appender.controllerAppender=org.apache.log4j.DailyRollingFileAppender
log4j.appender.controllerAppender.DatePattern='.'yyyy-MM-dd-HH
log4j.appender.controllerAppender.File=${kafka.logs.dir}/controller.log
log4j.appender.controllerAppender.layout=org.apache.log4j.PatternLayout
log4j.appender.controllerAppender.layout.ConversionPattern=[%d] %p %m (%c)%n

log4j.logger.org.apache.zookeeper=INFO
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
log4j.logger.kafka.request.logger=WARN
log4j.logger.kafka.controller=TRACE, controllerAppender
log4j.additivity.kafka.controller=false
log4j.logger.state.change.logger=INFO, stateChangeAppender
log4j.additivity.state.change.logger=false
EOF
  cat > "$home/config/tools-log4j.properties" <<'EOF'
# Logging for command line tools: warnings to stderr.
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.appender.stderr.Target=System.err
EOF
  readme "Apache Kafka $v (Scala $s), streamops.kafka test mirror" "$pomdir" > "$home/MIRROR-README.txt"

  # smoke check: the broker main class loads with this classpath and reports the right version
  local out
  out=$(java -cp "$home/libs/*" -Dlog4j.configuration="file:$home/config/tools-log4j.properties" \
          kafka.Kafka --version 2>&1) || die "kafka.Kafka --version failed: $out"
  [[ $out == "$v"* ]] || die "kafka.Kafka --version says '$out', expected $v"
  log "kafka.Kafka --version: $out"

  make_archive "$stage" "$KAFKA_DIR" "$KAFKA_ARCHIVE"
}

# --- ZooKeeper ---------------------------------------------------------------------------------------
build_zookeeper() {
  local v=$ZOOKEEPER_VERSION
  local pomdir=$tmp/zk-pom stage=$tmp/zk-stage
  local home=$stage/$ZK_DIR
  log "resolving ZooKeeper $v from Maven Central"
  # The zookeeper artifact's POM brings zookeeper-jute, netty, slf4j-api and the logging backend
  # (logback-classic/-core, compile scope in 3.8). Its AdminServer (jetty + jackson), metrics
  # (dropwizard metrics-core), CLI (commons-cli, jline) and snapshot compression (snappy) deps are
  # <scope>provided</scope> there: the official bin tarball adds them in its assembly, so do we,
  # with the versions managed by the release's own parent POM (imported as a BOM).
  # Not included: the optional Prometheus metrics provider (zookeeper-prometheus-metrics +
  # simpleclient*), which the official lib/ has: Maven Central as reachable here has no
  # zookeeper-prometheus-metrics for 3.8.4+ (and mixing in another release's jar is worse).
  # ZooKeeper's default metrics provider needs only dropwizard metrics-core (included).
  write_pom "$pomdir" "zookeeper-dist" \
    "      <dependency><groupId>org.apache.zookeeper</groupId><artifactId>parent</artifactId><version>$v</version><type>pom</type><scope>import</scope></dependency>" \
    "$(dep org.apache.zookeeper zookeeper "$v")
$(dep org.eclipse.jetty jetty-server)
$(dep org.eclipse.jetty jetty-servlet)
$(dep com.fasterxml.jackson.core jackson-databind)
$(dep io.dropwizard.metrics metrics-core)
$(dep commons-cli commons-cli)
$(dep org.jline jline)
$(dep org.xerial.snappy snappy-java)"
  copy_classpath "$pomdir" "$home/lib"
  require_jars "$home/lib" "zookeeper-$v.jar" "zookeeper-jute-$v.jar" \
    "slf4j-api-*.jar" "logback-classic-*.jar" "logback-core-*.jar" \
    "jetty-server-*.jar" "jetty-servlet-*.jar" "jetty-util-*.jar" "jetty-http-*.jar" "javax.servlet-api-*.jar" \
    "jackson-databind-*.jar" "metrics-core-*.jar" \
    "netty-handler-*.jar" "commons-cli-*.jar" "audience-annotations-*.jar" "snappy-java-*.jar"
  forbid_jars "$home/lib" "slf4j-reload4j-*.jar" "slf4j-log4j12-*.jar" "reload4j-*.jar" "log4j-1*.jar" "slf4j-simple-*.jar"

  mkdir -p "$home/conf"
  cat > "$home/conf/zoo_sample.cfg" <<'EOF'
# The number of milliseconds of each tick
tickTime=2000
# The number of ticks that the initial
# synchronization phase can take
initLimit=10
# The number of ticks that can pass between
# sending a request and getting an acknowledgement
syncLimit=5
# the directory where the snapshot is stored.
# do not use /tmp for storage, /tmp here is just
# example sakes.
dataDir=/tmp/zookeeper
# the port at which the clients will connect
clientPort=2181
# the maximum number of client connections.
# increase this if you need to handle more clients
#maxClientCnxns=60
#
# Be sure to read the maintenance section of the
# administrator guide before turning on autopurge.
#
# https://zookeeper.apache.org/doc/current/zookeeperAdmin.html#sc_maintenance
#
# The number of snapshots to retain in dataDir
#autopurge.snapRetainCount=3
# Purge task interval in hours
# Set to "0" to disable auto purge feature
#autopurge.purgeInterval=1

## Metrics Providers
# (the Prometheus provider jar is not in this mirror build: see docs/MIRROR.md)
#
# https://prometheus.io Metrics Exporter
#metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider
#metricsProvider.httpHost=0.0.0.0
#metricsProvider.httpPort=7000
#metricsProvider.exportJvmInfo=true
EOF
  cat > "$home/conf/logback.xml" <<'EOF'
<!--
  Minimal ZooKeeper logging (logback; streamops mirror, see docs/MIRROR.md).
  Console only, like the official default (under systemd the console goes to the journal).
  -Dzookeeper.console.threshold=LEVEL sets the level (default INFO). For a log file, deploy
  your own logback.xml with a RollingFileAppender in the conf dir on the classpath.
  (An unreferenced appender would make logback 1.3 print a WARN status dump at startup.)
-->
<configuration>
  <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
    <encoder>
      <pattern>%d{ISO8601} [myid:%X{myid}] - %-5p [%t:%C{1}@%L] - %m%n</pattern>
    </encoder>
    <filter class="ch.qos.logback.classic.filter.ThresholdFilter">
      <level>${zookeeper.console.threshold:-INFO}</level>
    </filter>
  </appender>

  <root level="INFO">
    <appender-ref ref="CONSOLE" />
  </root>
</configuration>
EOF
  readme "Apache ZooKeeper $v (bin), streamops.kafka test mirror" "$pomdir" > "$home/MIRROR-README.txt"

  local out
  out=$(java -cp "$home/lib/*:$home/conf" org.apache.zookeeper.version.VersionInfoMain 2>&1) \
    || die "ZooKeeper VersionInfoMain failed: $out"
  [[ $out == *"$v"* ]] || die "ZooKeeper VersionInfoMain says '$out', expected $v"
  log "ZooKeeper VersionInfoMain: $out"

  make_archive "$stage" "$ZK_DIR" "$ZK_ARCHIVE"
}

start=$(date +%s)
rm -f "$STAMP"
build_kafka
build_zookeeper
echo "$recipe" > "$STAMP"
log "done in $(( $(date +%s) - start ))s (recipe ${recipe:0:12})"
