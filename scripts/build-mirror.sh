#!/usr/bin/env bash
# build-mirror.sh: assemble REAL Apache Kafka and ZooKeeper binary distributions from the jars on
# Maven Central (apache.org itself is not reachable here) and lay them out like the Apache
# download mirror, so roles and tests can install them from a plain HTTP server:
#
#   $CACHE/mirror/kafka/<v>/kafka_<scala>-<v>.tgz                              (+ .sha512)
#   $CACHE/mirror/zookeeper/zookeeper-<v>/apache-zookeeper-<v>-bin.tar.gz     (+ .sha512)
#
# Versions come from scripts/versions.env. Kafka: KAFKA_PREVIOUS_VERSION (3.8.x) and KAFKA_VERSION
# (3.9.x), ZooKeeper mode, logging through reload4j; KAFKA4_VERSION (4.x, KRaft only, log4j2).
# ZooKeeper: ZOOKEEPER_VERSION (3.8.x, the roles' default) and ZOOKEEPER_NEXT_VERSION (3.9.x, what
# the rolling-upgrade test moves an ensemble to).
#
# CACHE=${STREAMOPS_CACHE:-$HOME/.cache/streamops-kafka}. The archives keep the official top
# directories (kafka_2.13-<v>/libs/*.jar, apache-zookeeper-<v>-bin/lib/*.jar); what differs from
# the official tarballs is documented in docs/MIRROR.md.
#
# Cached per archive: an archive is not rebuilt while it and its .sha512 are present and intact
# and its recorded recipe (this script + its kind and version) is unchanged, so adding or moving
# one version in versions.env builds only that archive.
# The archives are reproducible (sorted entries, fixed mtime, owner 0, gzip -n): a rebuild of
# the same recipe gives byte-identical files and so the same sha512.
#
# Usage: scripts/build-mirror.sh [--force] [--check-updates]
#   --force          rebuild even when the cache is up to date
#   --check-updates  only report whether Maven Central has newer patch releases of the pinned
#                    Kafka 3.8/3.9 and ZooKeeper 3.8/3.9 series, or a newer 4.x (patch or minor) for
#                    KAFKA4_VERSION, resolvable with all their parent POMs; builds nothing
# Env: STREAMOPS_CACHE, MVN (maven command, default mvn),
#      MAVEN_ARGS_EXTRA (extra maven args, e.g. -o or -Dmaven.repo.local=DIR).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
self="$here/$(basename "${BASH_SOURCE[0]}")"
versions_env="$here/versions.env"
# shellcheck source=scripts/versions.env disable=SC1091
source "$versions_env"

: "${KAFKA_VERSION:?versions.env must set KAFKA_VERSION}"
: "${KAFKA_PREVIOUS_VERSION:?versions.env must set KAFKA_PREVIOUS_VERSION}"
: "${KAFKA4_VERSION:?versions.env must set KAFKA4_VERSION}"
: "${KAFKA_SCALA_VERSION:?versions.env must set KAFKA_SCALA_VERSION}"
: "${ZOOKEEPER_VERSION:?versions.env must set ZOOKEEPER_VERSION}"
: "${ZOOKEEPER_NEXT_VERSION:?versions.env must set ZOOKEEPER_NEXT_VERSION}"

CACHE=${STREAMOPS_CACHE:-$HOME/.cache/streamops-kafka}
MIRROR=$CACHE/mirror
WORK=$CACHE/mirror-build          # stamp, lock, temp dirs (not served)
STAMPS=$WORK/recipes              # one recipe hash per archive: <archive file name>.sha256
EPOCH=1704067200                   # archive entry mtime: 2024-01-01T00:00:00Z (part of the recipe)
MVN=${MVN:-mvn}
DEP_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.6.1

kafka_dir() { echo "kafka_${KAFKA_SCALA_VERSION}-$1"; }                  # kafka_dir VERSION
kafka_archive() { echo "$MIRROR/kafka/$1/$(kafka_dir "$1").tgz"; }       # kafka_archive VERSION
zk_dir() { echo "apache-zookeeper-$1-bin"; }                              # zk_dir VERSION
zk_archive() { echo "$MIRROR/zookeeper/zookeeper-$1/$(zk_dir "$1").tar.gz"; }  # zk_archive VERSION
# Every archive to build, "KIND VERSION", in build order (a version listed twice is built once).
BUILDS=()
seen=";"
for spec in "kafka $KAFKA_PREVIOUS_VERSION" "kafka $KAFKA_VERSION" "kafka $KAFKA4_VERSION" \
            "zookeeper $ZOOKEEPER_VERSION" "zookeeper $ZOOKEEPER_NEXT_VERSION"; do
  [[ $seen == *";$spec;"* ]] && continue
  BUILDS+=("$spec"); seen+="$spec;"
done
archive_of() { # archive_of KIND VERSION: path of the archive in the mirror
  if [[ $1 == kafka ]]; then kafka_archive "$2"; else zk_archive "$2"; fi
}

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

probe_release() { # probe_release KIND VERSION -> ok | missing | broken
  case $1 in
    zookeeper) probe_version org.apache.zookeeper zookeeper "$2" ;;
    kafka) # both roots of the distribution (see build_kafka) must resolve
      local r
      r=$(probe_version org.apache.kafka "kafka_$KAFKA_SCALA_VERSION" "$2")
      if [[ $r == ok ]]; then  # kafka_<scala> is there, so a missing kafka-tools means broken
        r=$(probe_version org.apache.kafka kafka-tools "$2")
        [[ $r == ok ]] || r=broken
      fi
      echo "$r" ;;
  esac
}

# newest_release KIND VERSION MINORS: the newest resolvable release after VERSION, walking forward
# patch by patch (bounded) until a version no longer exists; MINORS > 0 also walks up to that many
# later minor series of the same major (X.(Y+1).0, ...) until one has no release at all
newest_release() {
  local kind=$1 v=$2 minors=$3 major minor patch m p cand newest=$2 r
  IFS=. read -r major minor patch <<<"$v"
  for ((m = minor; m <= minor + minors; m++)); do
    for ((p = (m == minor ? patch + 1 : 0); p <= (m == minor ? patch : 0) + 10; p++)); do
      cand="$major.$m.$p"
      r=$(probe_release "$kind" "$cand")
      case $r in
        ok) newest=$cand ;;
        broken) log "$kind $cand is on Maven Central but its POM tree does not resolve (skipped)" ;;
        *) break ;;
      esac
    done
    ((m > minor && p == 0)) && break   # no X.m.0 at all: no later minor either
  done
  echo "$newest"
}

if ((check_updates)); then
  probe=$(mktemp -d); trap 'rm -rf "$probe"' EXIT
  probe_pom "$probe"
  rc=0
  # KIND VAR VERSION LATER_MINORS: Kafka 3.8 (upgrade source) and 3.9 (the last ZooKeeper-mode
  # series), ZooKeeper 3.8 (stable, the default) and 3.9 (upgrade target) are pinned series
  # (patches only); Kafka 4.x may move to any newer 4.y
  for spec in "kafka KAFKA_PREVIOUS_VERSION $KAFKA_PREVIOUS_VERSION 0" "kafka KAFKA_VERSION $KAFKA_VERSION 0" \
              "kafka KAFKA4_VERSION $KAFKA4_VERSION 5" "zookeeper ZOOKEEPER_VERSION $ZOOKEEPER_VERSION 0" \
              "zookeeper ZOOKEEPER_NEXT_VERSION $ZOOKEEPER_NEXT_VERSION 0"; do
    read -r kind var v minors <<<"$spec"
    newest=$(newest_release "$kind" "$v" "$minors")
    series=${v%.*}; ((minors > 0)) && series=${v%%.*}
    if [[ $newest == "$v" ]]; then log "$var=$v is the newest resolvable $series.x"
    else log "$var=$v: newer $newest is available (update scripts/versions.env)"; rc=3; fi
  done
  exit $rc
fi

# --- cache check ---------------------------------------------------------------------------------
mkdir -p "$MIRROR" "$WORK"
exec 9>"$WORK/lock"
flock 9   # several test runs may call us at once: one builds, the others then see the cache

# The recipe of an archive: this script (layout, jars, config files, checks), its kind, version
# and the Scala version. versions.env itself is not part of it: adding a version there builds only
# the new archive; the others stay as they are.
script_hash=$(sha256sum "$self" | cut -c1-64)
recipe_of() { # recipe_of KIND VERSION
  printf '%s %s %s %s\n' "$script_hash" "$1" "$2" "$KAFKA_SCALA_VERSION" | sha256sum | cut -c1-64
}
stamp_of() { echo "$STAMPS/$(basename "$(archive_of "$1" "$2")").sha256"; }  # stamp_of KIND VERSION

archive_ok() { # archive_ok PATH: archive + .sha512 present and matching
  [[ -s $1 && -s $1.sha512 ]] && (cd "$(dirname "$1")" && sha512sum --status -c "$(basename "$1").sha512")
}

cached() { # cached KIND VERSION: the archive is intact and was built by the current recipe
  ((!force)) && [[ "$(cat "$(stamp_of "$1" "$2")" 2>/dev/null)" == "$(recipe_of "$1" "$2")" ]] \
    && archive_ok "$(archive_of "$1" "$2")"
}

mkdir -p "$STAMPS"
todo=()
for spec in "${BUILDS[@]}"; do
  read -r kind v <<<"$spec"
  if cached "$kind" "$v"; then log "up to date: $(archive_of "$kind" "$v")"; else todo+=("$spec"); fi
done
if ((${#todo[@]} == 0)); then
  log "all ${#BUILDS[@]} archives up to date (recipe ${script_hash:0:12})"
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

require_classes() { # require_classes LIBDIR CLASS...: each class must be in one of the jars
  python3 - "$@" <<'EOF'
import glob, os, sys, zipfile
libdir, classes = sys.argv[1], sys.argv[2:]
names = set()
for jar in glob.glob(os.path.join(libdir, "*.jar")):
    with zipfile.ZipFile(jar) as z:
        names.update(z.namelist())
missing = [c for c in classes if c.replace(".", "/") + ".class" not in names]
if missing:
    sys.exit("build-mirror: ERROR: class %s not in any jar of %s" % (", ".join(missing), libdir))
EOF
}

resolved_version() { # resolved_version POMDIR GROUP:ARTIFACT: the version Maven resolves for it
  local pomdir=$1 ga=$2
  mvn_run "$pomdir/pom.xml" "$DEP_PLUGIN:list" -DincludeScope=runtime -DoutputFile="$pomdir/pre-list.txt" \
    -DoutputAbsoluteArtifactFilename=false -DappendOutput=false \
    || die "maven could not resolve $(basename "$pomdir")'s classpath (is Maven Central reachable?)"
  sed -n "s/^ *${ga//./\\.}:jar:\([^:]*\):.*/\1/p" "$pomdir/pre-list.txt" | head -1
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

readme() { # readme TITLE POMDIR [EXTRA] > file
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
  if [[ -n ${3:-} ]]; then printf '\n%s\n' "$3"; fi
}

# --- Kafka -------------------------------------------------------------------------------------------
# Main classes of the official bin/ scripts we rely on (checked to be in libs/; see docs/MIRROR.md).
KAFKA_STORAGE_TOOL=kafka.tools.StorageTool                           # bin/kafka-storage.sh
KAFKA_QUORUM_TOOL=org.apache.kafka.tools.MetadataQuorumCommand       # bin/kafka-metadata-quorum.sh

build_kafka() { # build_kafka VERSION: 3.x (ZooKeeper mode, reload4j) or 4.x (KRaft, log4j2)
  local v=$1 s=$KAFKA_SCALA_VERSION major=${1%%.*} t0=$SECONDS
  local pomdir=$tmp/kafka-$v-pom stage=$tmp/kafka-$v-stage dir roots log4j2=""
  dir=$(kafka_dir "$v")
  local home=$stage/$dir
  log "resolving Kafka $v (Scala $s) from Maven Central"
  # kafka_<s>: the broker (core) with its runtime deps (clients, server, storage, metadata, raft,
  #   group/transaction coordinators, zookeeper client (3.x), scala, jackson, metrics, slf4j-api, ...).
  # kafka-tools: the admin CLI classes the official bin/*.sh scripts run (TopicCommand,
  #   ConsumerGroupCommand, ...); in 3.x its runtime scope also brings the logging binding the
  #   official tarball ships (slf4j-reload4j + reload4j); connect-runtime/jetty/jersey, as in libs/.
  roots="$(dep org.apache.kafka "kafka_$s" "$v")
$(dep org.apache.kafka kafka-tools "$v")"
  if ((major >= 4)); then
    # Kafka 4 logs through log4j2 (KIP-653) but still with slf4j-api 1.7.36 (SLF4J 2 is deferred
    # to Kafka 5, KIP-1064): its POMs bring slf4j-api and log4j-api/-core (kafka-server), not the
    # binding the official tarball adds, log4j-slf4j-impl (the SLF4J 1.x -> log4j2 binding; the
    # SLF4J 2 one, log4j-slf4j2-impl, would not bind to slf4j-api 1.7), nor log4j-1.2-api. Resolve
    # once to learn Kafka's own log4j2 version, then add both at exactly that version.
    write_pom "$pomdir" "kafka-dist" "" "$roots"
    log4j2=$(resolved_version "$pomdir" org.apache.logging.log4j:log4j-core)
    [[ -n $log4j2 ]] || die "Kafka $v: no log4j-core among its runtime dependencies"
    roots+="
$(dep org.apache.logging.log4j log4j-slf4j-impl "$log4j2")
$(dep org.apache.logging.log4j log4j-1.2-api "$log4j2")"
  fi
  write_pom "$pomdir" "kafka-dist" "" "$roots"
  copy_classpath "$pomdir" "$home/libs"
  require_jars "$home/libs" "kafka_$s-$v.jar" "kafka-clients-$v.jar" "kafka-server-$v.jar" \
    "kafka-server-common-$v.jar" "kafka-storage-$v.jar" "kafka-metadata-$v.jar" "kafka-raft-$v.jar" \
    "kafka-tools-$v.jar" "kafka-group-coordinator-$v.jar" "kafka-transaction-coordinator-$v.jar" \
    "scala-library-*.jar" "scala-reflect-*.jar" "slf4j-api-*.jar" "metrics-core-2.*.jar" \
    "jackson-databind-*.jar" "jopt-simple-*.jar" "snappy-java-*.jar" "zstd-jni-*.jar" "lz4-java-*.jar"
  require_classes "$home/libs" kafka.Kafka "$KAFKA_STORAGE_TOOL" "$KAFKA_QUORUM_TOOL" \
    org.apache.kafka.tools.TopicCommand
  # exactly one SLF4J binding
  if ((major >= 4)); then
    # slf4j-api 1.x -> log4j-slf4j-impl -> log4j-core; jackson-dataformat-yaml (+ snakeyaml) lets
    # log4j2 read the YAML config files below
    require_jars "$home/libs" "slf4j-api-1.*.jar" "log4j-slf4j-impl-$log4j2.jar" "log4j-api-$log4j2.jar" \
      "log4j-core-$log4j2.jar" "log4j-1.2-api-$log4j2.jar" "jackson-dataformat-yaml-*.jar" "snakeyaml-*.jar" \
      "argparse4j-*.jar"
    forbid_jars "$home/libs" "slf4j-reload4j-*.jar" "reload4j-*.jar" "log4j-slf4j2-impl-*.jar" \
      "log4j-to-slf4j-*.jar" "logback-classic-*.jar" "slf4j-log4j12-*.jar" "slf4j-simple-*.jar" "slf4j-api-2.*.jar"
  else
    # Kafka 3.9 logs through slf4j 1.7 -> reload4j; it still has ZooKeeper mode
    require_jars "$home/libs" "zookeeper-3.*.jar" "zookeeper-jute-*.jar" "slf4j-reload4j-*.jar" "reload4j-*.jar"
    forbid_jars "$home/libs" "logback-classic-*.jar" "slf4j-log4j12-*.jar" "log4j-slf4j*-impl-*.jar" "slf4j-simple-*.jar"
  fi

  extract_from_jar "$home/libs/kafka-clients-$v.jar" LICENSE "$home/LICENSE"
  extract_from_jar "$home/libs/kafka-clients-$v.jar" NOTICE "$home/NOTICE"
  mkdir -p "$home/config"
  if ((major >= 4)); then
    kafka4_config "$home/config"
    readme "Apache Kafka $v (Scala $s), streamops.kafka test mirror" "$pomdir" "$(kafka4_readme_extra)" \
      > "$home/MIRROR-README.txt"
    kafka4_smoke "$home" "$v"
  else
    kafka3_config "$home/config"
    readme "Apache Kafka $v (Scala $s), streamops.kafka test mirror" "$pomdir" > "$home/MIRROR-README.txt"
    kafka3_smoke "$home" "$v"
  fi

  make_archive "$stage" "$dir" "$(kafka_archive "$v")"
  log "Kafka $v: $(find "$home/libs" -name '*.jar' | wc -l) jars in libs/, $((SECONDS - t0))s"
}

kafka3_config() { # kafka3_config DIR: minimal config/ of the 3.x (ZooKeeper mode) archive
  cat > "$1/server.properties" <<'EOF'
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
  cat > "$1/log4j.properties" <<'EOF'
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
  cat > "$1/tools-log4j.properties" <<'EOF'
# Logging for command line tools: warnings to stderr.
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.appender.stderr.Target=System.err
EOF
}

kafka3_smoke() { # kafka3_smoke HOME VERSION: the archive's JVM entry points and reload4j logging work
  local home=$1 v=$2 out bad logs=$tmp/kafka-$2-logs
  local tools=(-Dlog4j.configuration="file:$home/config/tools-log4j.properties")
  # the broker main class loads and reports the version; nothing else is printed (a missing or
  # second SLF4J binding would print "SLF4J:" lines, a config reload4j cannot read "log4j:" lines)
  out=$(java -cp "$home/libs/*" "${tools[@]}" kafka.Kafka --version 2>&1) \
    || die "kafka.Kafka --version failed: $out"
  [[ $out == "$v" ]] || die "kafka.Kafka --version printed '$out', expected exactly $v"
  # the server logging config: log lines reach the console and <kafka.logs.dir>/server.log
  mkdir -p "$logs"
  out=$(java -cp "$home/libs/*" -Dlog4j.configuration="file:$home/config/log4j.properties" \
          -Dkafka.logs.dir="$logs" kafka.Kafka --version 2>&1) || die "kafka.Kafka --version failed: $out"
  bad=$(grep -v -e "^$v\$" -e '^\[[^]]*\] INFO ' <<<"$out") && die "config/log4j.properties: unexpected output: $bad"
  grep -q '\] INFO ' <<<"$out" || die "config/log4j.properties: no log line on the console: $out"
  grep -q '\] INFO ' "$logs/server.log" 2>/dev/null || die "config/log4j.properties: nothing logged to server.log"
  # the storage tool (bin/kafka-storage.sh) runs: a cluster id is a 22-character base64url Uuid
  out=$(java -cp "$home/libs/*" "${tools[@]}" "$KAFKA_STORAGE_TOOL" random-uuid 2>&1) \
    || die "$KAFKA_STORAGE_TOOL random-uuid failed: $out"
  [[ $out =~ ^[A-Za-z0-9_-]{22}$ ]] || die "$KAFKA_STORAGE_TOOL random-uuid printed '$out'"
  log "kafka.Kafka --version: $v; reload4j config OK; $KAFKA_STORAGE_TOOL random-uuid: $out"
}

kafka4_config() { # kafka4_config DIR: minimal config/ of the 4.x (KRaft) archive
  cat > "$1/server.properties" <<EOF
# Minimal KRaft configuration: one combined broker + controller with a dynamic (KIP-853) quorum
# (streamops mirror; see docs/MIRROR.md). Deployments render their own server.properties; this is
# only a runnable example. Format its log directory first (what bin/kafka-storage.sh does):
#   java -cp 'libs/*' $KAFKA_STORAGE_TOOL format --standalone --config config/server.properties \\
#        --cluster-id "\$(java -cp 'libs/*' $KAFKA_STORAGE_TOOL random-uuid)"
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=localhost:9093
listeners=PLAINTEXT://:9092,CONTROLLER://:9093
advertised.listeners=PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
num.network.threads=3
num.io.threads=8
socket.send.buffer.bytes=102400
socket.receive.buffer.bytes=102400
socket.request.max.bytes=104857600
log.dirs=/tmp/kraft-combined-logs
num.partitions=1
num.recovery.threads.per.data.dir=1
offsets.topic.replication.factor=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
log.retention.hours=168
log.segment.bytes=1073741824
log.retention.check.interval.ms=300000
group.initial.rebalance.delay.ms=0
EOF
  cat > "$1/log4j2.yaml" <<'EOF'
# Minimal broker/controller logging (log4j2; YAML works because jackson-dataformat-yaml is in
# libs/). Use: -Dlog4j2.configurationFile=<this file> -Dkafka.logs.dir=<dir>, as the official
# bin/kafka-run-class.sh does; without kafka.logs.dir the files go to the working directory.
Configuration:
  Properties:
    Property:
      - name: "kafka.logs.dir"
        value: "."
      - name: "logPattern"
        value: "[%d] %p %m (%c)%n"

  Appenders:
    Console:
      name: STDOUT
      PatternLayout:
        pattern: "${logPattern}"
    RollingFile:
      - name: KafkaAppender
        fileName: "${sys:kafka.logs.dir}/server.log"
        filePattern: "${sys:kafka.logs.dir}/server.log.%d{yyyy-MM-dd-HH}"
        PatternLayout:
          pattern: "${logPattern}"
        TimeBasedTriggeringPolicy:
          modulate: true
          interval: 1
      - name: StateChangeAppender
        fileName: "${sys:kafka.logs.dir}/state-change.log"
        filePattern: "${sys:kafka.logs.dir}/state-change.log.%d{yyyy-MM-dd-HH}"
        PatternLayout:
          pattern: "${logPattern}"
        TimeBasedTriggeringPolicy:
          modulate: true
          interval: 1
      - name: ControllerAppender
        fileName: "${sys:kafka.logs.dir}/controller.log"
        filePattern: "${sys:kafka.logs.dir}/controller.log.%d{yyyy-MM-dd-HH}"
        PatternLayout:
          pattern: "${logPattern}"
        TimeBasedTriggeringPolicy:
          modulate: true
          interval: 1

  Loggers:
    Root:
      level: INFO
      AppenderRef:
        - ref: STDOUT
        - ref: KafkaAppender
    Logger:
      - name: kafka
        level: INFO
      - name: org.apache.kafka
        level: INFO
      - name: kafka.request.logger
        level: WARN
      - name: org.apache.kafka.controller
        level: INFO
        additivity: false
        AppenderRef:
          ref: ControllerAppender
      - name: kafka.controller
        level: TRACE
        additivity: false
        AppenderRef:
          ref: ControllerAppender
      - name: state.change.logger
        level: INFO
        additivity: false
        AppenderRef:
          ref: StateChangeAppender
EOF
  cat > "$1/tools-log4j2.yaml" <<'EOF'
# Logging for command line tools (log4j2): warnings to stderr.
Configuration:
  Appenders:
    Console:
      name: STDERR
      target: SYSTEM_ERR
      PatternLayout:
        pattern: "[%d] %p %m (%c)%n"
  Loggers:
    Root:
      level: WARN
      AppenderRef:
        - ref: STDERR
EOF
}

kafka4_readme_extra() {
  cat <<EOF
Main classes (what the official bin/ scripts run; this archive has no bin/):
  kafka-server-start.sh     kafka.Kafka <server.properties>
  kafka-storage.sh          $KAFKA_STORAGE_TOOL (random-uuid, format, info, ...)
  kafka-metadata-quorum.sh  $KAFKA_QUORUM_TOOL
  kafka-topics.sh           org.apache.kafka.tools.TopicCommand
Logging: log4j2 through log4j-slf4j-impl. Server: -Dlog4j2.configurationFile=<home>/config/log4j2.yaml
-Dkafka.logs.dir=<dir>; tools: -Dlog4j2.configurationFile=<home>/config/tools-log4j2.yaml.
EOF
}

kafka4_smoke() { # kafka4_smoke HOME VERSION: the archive's JVM entry points and logging really work
  local home=$1 v=$2 out bad logs=$tmp/kafka-$2-logs
  local tools=(-Dlog4j2.configurationFile="$home/config/tools-log4j2.yaml")
  # the broker main class loads and reports the version; nothing else is printed (a missing or
  # second SLF4J binding, or a config log4j2 cannot read, would print SLF4J:/status lines)
  out=$(java -cp "$home/libs/*" "${tools[@]}" kafka.Kafka --version 2>&1) \
    || die "kafka.Kafka --version failed: $out"
  [[ $out == "$v" ]] || die "kafka.Kafka --version printed '$out', expected exactly $v"
  # the server logging config: log lines reach the console and <kafka.logs.dir>/server.log
  mkdir -p "$logs"
  out=$(java -cp "$home/libs/*" -Dlog4j2.configurationFile="$home/config/log4j2.yaml" \
          -Dkafka.logs.dir="$logs" kafka.Kafka --version 2>&1) || die "kafka.Kafka --version failed: $out"
  bad=$(grep -v -e "^$v\$" -e '^\[[^]]*\] INFO ' <<<"$out") && die "config/log4j2.yaml: unexpected output: $bad"
  grep -q '\] INFO ' <<<"$out" || die "config/log4j2.yaml: no log line on the console: $out"
  grep -q '\] INFO ' "$logs/server.log" 2>/dev/null || die "config/log4j2.yaml: nothing logged to server.log"
  # the storage tool (bin/kafka-storage.sh) runs: a cluster id is a 22-character base64url Uuid
  out=$(java -cp "$home/libs/*" "${tools[@]}" "$KAFKA_STORAGE_TOOL" random-uuid 2>&1) \
    || die "$KAFKA_STORAGE_TOOL random-uuid failed: $out"
  [[ $out =~ ^[A-Za-z0-9_-]{22}$ ]] || die "$KAFKA_STORAGE_TOOL random-uuid printed '$out'"
  log "kafka.Kafka --version: $v; log4j2 config OK; $KAFKA_STORAGE_TOOL random-uuid: $out"
}

# --- ZooKeeper ---------------------------------------------------------------------------------------
build_zookeeper() { # build_zookeeper VERSION
  local v=$1 t0=$SECONDS dir
  local pomdir=$tmp/zk-$1-pom stage=$tmp/zk-$1-stage
  dir=$(zk_dir "$v")
  local home=$stage/$dir
  log "resolving ZooKeeper $v from Maven Central"
  # The zookeeper artifact's POM brings zookeeper-jute, netty (3.9: also netty-tcnative-boringssl-
  # static), slf4j-api and, in 3.8, the logging backend (logback-classic/-core, compile scope); 3.9
  # declares logback-classic <scope>runtime</scope> <optional>true</optional>, which Maven does not
  # follow, so it is listed here (for 3.8 that is the same jar at the same version). Its
  # AdminServer (jetty + jackson), metrics (dropwizard metrics-core), CLI (commons-cli, jline) and
  # snapshot compression (snappy) deps are <scope>provided</scope> there: the official bin tarball
  # adds them in its assembly, so do we, with the versions managed by the release's own parent POM
  # (imported as a BOM).
  # Not included: the optional Prometheus metrics provider (zookeeper-prometheus-metrics +
  # simpleclient*), which the official lib/ has: Maven Central as reachable here has no
  # zookeeper-prometheus-metrics for 3.8.4+ (and mixing in another release's jar is worse).
  # ZooKeeper's default metrics provider needs only dropwizard metrics-core (included).
  write_pom "$pomdir" "zookeeper-dist" \
    "      <dependency><groupId>org.apache.zookeeper</groupId><artifactId>parent</artifactId><version>$v</version><type>pom</type><scope>import</scope></dependency>" \
    "$(dep org.apache.zookeeper zookeeper "$v")
$(dep ch.qos.logback logback-classic)
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

  zookeeper_smoke "$home" "$v"
  make_archive "$stage" "$dir" "$(zk_archive "$v")"
  log "ZooKeeper $v: $(find "$home/lib" -name '*.jar' | wc -l) jars in lib/, $((SECONDS - t0))s"
}

four_letter_word() { # four_letter_word PORT WORD: the answer of a server on 127.0.0.1:PORT
  python3 -c '
import socket, sys
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2) as s:
    s.sendall(sys.argv[2].encode())
    print(s.makefile().read(), end="")' "$@" 2>/dev/null
}

zookeeper_smoke() { # zookeeper_smoke HOME VERSION: the server starts, serves, and logs through logback
  local home=$1 v=$2 out version port data=$tmp/zk-$2-data pid srvr="" i
  version=$(java -cp "$home/lib/*:$home/conf" org.apache.zookeeper.version.VersionInfoMain 2>&1) \
    || die "ZooKeeper VersionInfoMain failed: $version"
  [[ $version == *"$v"* ]] || die "ZooKeeper VersionInfoMain says '$version', expected $v"
  # a standalone server on a free loopback port, with the archive's conf/logback.xml
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  mkdir -p "$data"
  printf 'tickTime=2000\ndataDir=%s\nclientPort=%s\nclientPortAddress=127.0.0.1\nadmin.enableServer=false\n%s\n' \
    "$data" "$port" '4lw.commands.whitelist=srvr' > "$data/zoo.cfg"
  java -Xmx128m -cp "$home/lib/*:$home/conf" org.apache.zookeeper.server.quorum.QuorumPeerMain "$data/zoo.cfg" \
    > "$data/console.log" 2>&1 &
  pid=$!
  for ((i = 0; i < 120; i++)); do
    srvr=$(four_letter_word "$port" srvr) && [[ $srvr == *"Mode: standalone"* ]] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
  [[ $srvr == *"Zookeeper version: $v-"*"Mode: standalone"* ]] \
    || die "ZooKeeper $v: the standalone server did not serve (srvr: '$srvr'): $(tail -20 "$data/console.log")"
  # logback is the one SLF4J binding and reads conf/logback.xml: INFO lines, no SLF4J/logback complaints
  grep -q ' - INFO  \[' "$data/console.log" || die "ZooKeeper $v logged nothing: $(head -20 "$data/console.log")"
  if out=$(grep -E '^SLF4J|\|-(WARN|ERROR) in ' "$data/console.log"); then
    die "ZooKeeper $v logging: $out"
  fi
  log "ZooKeeper $v: $version; a standalone server served srvr; logback config OK"
}

start=$(date +%s)
for spec in "${todo[@]}"; do
  read -r kind v <<<"$spec"
  rm -f "$(stamp_of "$kind" "$v")"
  "build_$kind" "$v"
  recipe_of "$kind" "$v" > "$(stamp_of "$kind" "$v")"
done
log "built ${#todo[@]} of ${#BUILDS[@]} archives in $(( $(date +%s) - start ))s (recipe ${script_hash:0:12})"
