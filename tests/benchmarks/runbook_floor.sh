#!/usr/bin/env bash
# The floor of the cold-converge benchmark (scripts/bench.sh): the runbook's installs done by hand,
# as bare as they come, on the same fresh sandbox hosts, through `docker exec`, all hosts at once:
# JDK from apt, the ZooKeeper and Kafka archives from the same mirror unpacked in /opt, zoo.cfg,
# myid, server.properties, two systemd units starting the JVMs (the mirror's archives have no bin/
# scripts, docs/MIRROR.md), started; then waits until the ensemble has a leader
# and two followers and the three brokers are registered (what site.yml's verify also waits for).
# No checksum, no service user, no gates, no verify, no topics: only what the runbook does.
#   tests/benchmarks/runbook_floor.sh HOST...
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/versions.env disable=SC1091
source scripts/versions.env
mirror=http://streamops-mirror:8080
(( $# >= 1 )) || { echo "usage: $0 HOST..." >&2; exit 2; }
hosts=("$@")

servers=""
connect=""
for i in "${!hosts[@]}"; do
  servers+="server.$((i + 1))=${hosts[$i]}:2888:3888"$'\n'
  connect+="${connect:+,}${hosts[$i]}:2181"
done

install() { # install INDEX HOST
  local id=$(( $1 + 1 )) host=$2
  docker exec -i "$host" bash -s <<EOF
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null
cd /opt
curl -fsS $mirror/zookeeper/zookeeper-$ZOOKEEPER_VERSION/apache-zookeeper-$ZOOKEEPER_VERSION-bin.tar.gz | tar xz
ln -sfn apache-zookeeper-$ZOOKEEPER_VERSION-bin zookeeper
curl -fsS $mirror/kafka/$KAFKA_VERSION/kafka_$KAFKA_SCALA_VERSION-$KAFKA_VERSION.tgz | tar xz
ln -sfn kafka_$KAFKA_SCALA_VERSION-$KAFKA_VERSION kafka
mkdir -p /var/lib/zookeeper/data /var/lib/zookeeper/log /var/lib/kafka
echo $id > /var/lib/zookeeper/data/myid
cat > /opt/zookeeper/conf/zoo.cfg <<CFG
tickTime=2000
initLimit=10
syncLimit=5
dataDir=/var/lib/zookeeper/data
dataLogDir=/var/lib/zookeeper/log
clientPort=2181
autopurge.purgeInterval=1
4lw.commands.whitelist=srvr,ruok,mntr
$servers
CFG
cat > /opt/kafka/config/server.properties <<CFG
broker.id=$id
listeners=PLAINTEXT://$host:9092
log.dirs=/var/lib/kafka
num.partitions=3
default.replication.factor=2
offsets.topic.replication.factor=3
zookeeper.connect=$connect
CFG
cat > /etc/systemd/system/zookeeper.service <<UNIT
[Unit]
After=network-online.target
[Service]
ExecStart=/usr/bin/java -Xmx256m -Xms256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp /opt/zookeeper/lib/*:/opt/zookeeper/conf org.apache.zookeeper.server.quorum.QuorumPeerMain /opt/zookeeper/conf/zoo.cfg
[Install]
WantedBy=multi-user.target
UNIT
cat > /etc/systemd/system/kafka.service <<UNIT
[Unit]
After=zookeeper.service
[Service]
ExecStart=/usr/bin/java -Xmx512m -Xms512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dlog4j.configuration=file:/opt/kafka/config/log4j.properties -cp /opt/kafka/libs/* kafka.Kafka /opt/kafka/config/server.properties
[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable -q --now zookeeper kafka
EOF
}

pids=()
for i in "${!hosts[@]}"; do
  install "$i" "${hosts[$i]}" & pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done

# Healthy: one leader, the others followers (four-letter word srvr), every broker registered in
# ZooKeeper (/brokers/ids read with kazoo from this machine, as the tests do).
want=$(seq -s ', ' 1 "${#hosts[@]}")
connect_ips=$(for h in "${hosts[@]}"; do docker inspect -f '{{with index .NetworkSettings.Networks "streamops-test"}}{{.IPAddress}}{{end}}' "$h"; done | sed 's/$/:2181/' | paste -sd,)
deadline=$(( $(date +%s) + 300 ))
while :; do
  modes=$(for h in "${hosts[@]}"; do docker exec "${hosts[0]}" bash -c "echo srvr | nc -q 1 $h 2181" 2>/dev/null | sed -n 's/^Mode: //p'; done | sort | uniq -c | tr -s ' ' | paste -sd' ')
  ids=$(.venv/bin/python - "$connect_ips" <<'PY' 2>/dev/null || true
import sys
from kazoo.client import KazooClient
zk = KazooClient(hosts=sys.argv[1], timeout=3)
zk.start(timeout=3)
try:
    print(sorted(int(i) for i in zk.get_children('/brokers/ids')))
finally:
    zk.stop()
PY
)
  if [[ "$modes" == *"$(( ${#hosts[@]} - 1 )) follower"*"1 leader"* && "$ids" == "[$want]" ]]; then
    echo "runbook floor: healthy (ZooKeeper:$modes; brokers $ids)"
    break
  fi
  if (( $(date +%s) > deadline )); then
    echo "runbook floor: not healthy after 300 s (ZooKeeper: '$modes'; brokers: '$ids')" >&2
    exit 1
  fi
  sleep 1
done
