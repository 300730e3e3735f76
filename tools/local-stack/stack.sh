#!/usr/bin/env bash
# Local dev stack: Kafka (KRaft), Apicurio Registry (Confluent-compatible API) and Redis.
# Opt-in beside it, on their own ports: a three-broker Kafka cluster (`up cluster`), the same
# behind SASL_SSL with a TLS Redis (`up secure`), Redis behind Sentinel (`up sentinel`) and a
# six-node Redis Cluster (`up redis-cluster`).
#
# Why this exists: the machines this repo is developed and tested on have no Docker,
# but the integration tests need the real services, not mocks. This script fetches
# Kafka and Apicurio from Maven Central and Redis from Debian, and runs them as plain
# background processes bound to 127.0.0.1 only. All state (downloads, data, pid files,
# logs) lives under .stack/ in the repo root (or $OPAL_STACK_DIR).
#
# Usage: tools/local-stack/stack.sh help      (details in tools/local-stack/README.md)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
STACK_DIR=${OPAL_STACK_DIR:-$REPO_ROOT/.stack}

KAFKA_VERSION=${KAFKA_VERSION:-4.1.1}
APICURIO_VERSION=${APICURIO_VERSION:-3.3.3}

KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
SCHEMA_REGISTRY_PORT=${SCHEMA_REGISTRY_PORT:-8081}
SCHEMA_REGISTRY_MANAGEMENT_PORT=${SCHEMA_REGISTRY_MANAGEMENT_PORT:-9001}
REDIS_PORT=${REDIS_PORT:-6379}
# Cluster mode: node n listens on KAFKA_CLUSTER_BASE_PORT + 2(n-1), its controller on the next port.
KAFKA_CLUSTER_BASE_PORT=${KAFKA_CLUSTER_BASE_PORT:-19092}
# Secured mode: the same three-node shape behind SASL_SSL, and a TLS-only Redis with ACL users.
KAFKA_SECURE_BASE_PORT=${KAFKA_SECURE_BASE_PORT:-29092}
SECURE_REDIS_PORT=${SECURE_REDIS_PORT:-6380}
# Sentinel mode: a Redis primary on REDIS_SENTINEL_BASE_PORT, its replica on the next port, and three
# Sentinels on REDIS_SENTINEL_PORT_BASE, +1 and +2.
REDIS_SENTINEL_BASE_PORT=${REDIS_SENTINEL_BASE_PORT:-6390}
REDIS_SENTINEL_PORT_BASE=${REDIS_SENTINEL_PORT_BASE:-26390}
# Redis Cluster mode: node n on REDIS_CLUSTER_BASE_PORT + n - 1 (six nodes), its cluster bus 10000 above.
REDIS_CLUSTER_BASE_PORT=${REDIS_CLUSTER_BASE_PORT:-6400}

KAFKA_TIMEOUT=${KAFKA_TIMEOUT:-120}
REGISTRY_TIMEOUT=${REGISTRY_TIMEOUT:-180}
REDIS_TIMEOUT=${REDIS_TIMEOUT:-30}
# The sentinel services: an old primary restarted after a failover waits for the Sentinels to make it
# a replica, which they do only after it has looked stable for a while (10-20 s).
REDIS_SENTINEL_TIMEOUT=${REDIS_SENTINEL_TIMEOUT:-60}
# Each Redis Cluster node, and the cluster as a whole (formed, every node agreeing) after them.
REDIS_CLUSTER_TIMEOUT=${REDIS_CLUSTER_TIMEOUT:-60}
STOP_TIMEOUT=30

CACHE_DIR=$STACK_DIR/cache
DATA_DIR=$STACK_DIR/data
RUN_DIR=$STACK_DIR/run
LOG_DIR=$STACK_DIR/logs

KAFKA_HOME=$CACHE_DIR/kafka-$KAFKA_VERSION
KAFKA_DATA=$DATA_DIR/kafka
KAFKA_LOG4J=$SCRIPT_DIR/kafka/log4j2.properties
KAFKA_TOOLS_LOG4J=$SCRIPT_DIR/kafka/tools-log4j2.properties
APICURIO_HOME=$CACHE_DIR/apicurio-$APICURIO_VERSION
REGISTRY_DATA=$DATA_DIR/registry
REDIS_DATA=$DATA_DIR/redis
CLUSTER_DATA=$DATA_DIR/kafka-cluster
SECURE_DATA=$DATA_DIR/kafka-secure
SECURE_REDIS_DATA=$DATA_DIR/redis-secure
SENTINEL_DATA=$DATA_DIR/sentinel # <service>/: its config (redis.conf or sentinel.conf) and data
# The Sentinels' own password (their requirepass, which they also use with each other), generated
# at the first `up sentinel`; the apps get it as REDIS_SENTINEL_PASSWORD from `env sentinel`.
SENTINEL_PASSWORD_FILE=$SENTINEL_DATA/sentinel.password
REDIS_CLUSTER_DATA=$DATA_DIR/redis-cluster # <service>/: redis.conf, nodes.conf (the cluster's state) and AOF
# Generated at the first `up secure` or `up redis-cluster`, git-ignored, never printed: the CA,
# certificates and passwords.
SECURE_DIR=$STACK_DIR/secure
# The Sentinel and Redis Cluster modes speak TLS only (clients, replication, the Sentinels and the
# cluster bus), with the secured stack's CA and Redis certificate.
REDIS_TLS_CLI_ARGS=(--tls --cacert "$SECURE_DIR/ca.crt")

MAVEN_DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

ALL_SERVICES=(redis kafka registry) # start order; stop order is the reverse
# The three-broker cluster (`up cluster`) is opt-in: it runs beside the development stack, on its
# own ports, and is not part of "all".
CLUSTER_NODES=(kafka-1 kafka-2 kafka-3)
# The secured variant (`up secure`), opt-in too: SASL_SSL brokers and a TLS Redis on their own ports.
SECURE_NODES=(secure-kafka-1 secure-kafka-2 secure-kafka-3)
SECURE_SERVICES=(secure-redis "${SECURE_NODES[@]}")
# One SCRAM user (Kafka) and ACL user (Redis) per client, named like the app it is. What each may
# do is not decided here: `kafka-init access` grants it from the access plan in @opal/contracts.
# opal-admin (the tools, the tests) and opal-broker (inter-broker) are super users.
SECURE_USERS=(opal-admin opal-broker ingest-gateway diagnostics-worker recommendations-worker ops-console)
# Redis behind Sentinel (`up sentinel`), opt-in too: a primary (sentinel-redis-1 at the first start)
# and its replica, and three Sentinels that watch the primary and promote the replica when it dies.
SENTINEL_REDIS_NODES=(sentinel-redis-1 sentinel-redis-2)
SENTINELS=(sentinel-1 sentinel-2 sentinel-3)
SENTINEL_SERVICES=("${SENTINEL_REDIS_NODES[@]}" "${SENTINELS[@]}")
SENTINEL_PRIMARY_NAME=opal # what the apps ask the Sentinels for (REDIS_SENTINEL_PRIMARY)
SENTINEL_QUORUM=2
# A Redis Cluster (`up redis-cluster`), opt-in too: six nodes that redis-cli makes three primaries
# (the first three at the first start) with one replica each; a replica takes over a dead primary.
REDIS_CLUSTER_SERVICES=(redis-cluster-1 redis-cluster-2 redis-cluster-3 redis-cluster-4 redis-cluster-5 redis-cluster-6)
REDIS_CLUSTER_REPLICAS=1 # per primary
REDIS_CLUSTER_NODE_TIMEOUT=2000 # ms: a primary unreachable this long is failed over (a few seconds in all)

# ---------------------------------------------------------------------------
# small helpers

step() { printf '%-9s %s\n' "$1:" "$2"; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }
since() { # start_ms -> "12.3s"
  local ms=$(($(now_ms) - $1))
  printf '%d.%ds' $((ms / 1000)) $(((ms % 1000) / 100))
}

require_cmd() { # cmd install-hint
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found on PATH; install it: $2"
}

java_major() { # java-binary -> major version (8, 17, 21, ...)
  local out v
  out=$("$1" -version 2>&1) || return 1
  v=$(sed -n 's/.*version "\([^"]*\)".*/\1/p' <<<"$out" | head -n 1)
  v=${v#1.} # 1.8.0_x -> 8
  v=${v%%[!0-9]*}
  [[ -n $v ]] || return 1
  echo "$v"
}

require_java17() {
  require_cmd java "apt-get install openjdk-17-jre-headless"
  local v
  v=$(java_major java) || die "could not determine the version of 'java' on PATH"
  ((v >= 17)) || die "Kafka $KAFKA_VERSION needs Java 17+, but 'java' on PATH is Java $v; install it: apt-get install openjdk-17-jre-headless"
}

# Apicurio 3.x is compiled for Java 21 (class file 65), while Kafka runs on the default
# Java 17, so the registry gets its own JVM: $REGISTRY_JAVA_HOME, else the newest
# Java >= 21 found in /usr/lib/jvm, $JAVA_HOME or on PATH.
registry_java() {
  local j v best='' best_v=0
  if [[ -n ${REGISTRY_JAVA_HOME:-} ]]; then
    j=$REGISTRY_JAVA_HOME/bin/java
    [[ -x $j ]] || die "REGISTRY_JAVA_HOME=$REGISTRY_JAVA_HOME has no bin/java"
    v=$(java_major "$j") || die "could not run $j -version"
    ((v >= 21)) || die "REGISTRY_JAVA_HOME points at Java $v; Apicurio Registry needs Java 21+"
    echo "$j"
    return
  fi
  for j in /usr/lib/jvm/*/bin/java ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java || true)"; do
    [[ -n $j && -x $j ]] || continue
    v=$(java_major "$j" 2>/dev/null) || continue
    if ((v >= 21 && v > best_v)); then best=$j best_v=$v; fi
  done
  [[ -n $best ]] || die "Apicurio Registry needs Java 21+ and none was found; install a JDK/JRE 21+ (e.g. Temurin 21 into /usr/lib/jvm) or set REGISTRY_JAVA_HOME"
  echo "$best"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Pid of a live process is not enough: after a reboot the number may belong to anyone.
# Our processes are recognised by a path that appears in their command line or cwd.
svc_marker() {
  case $1 in
    kafka) echo "$KAFKA_DATA/server.properties" ;;
    registry) echo "$CACHE_DIR/apicurio-" ;;
    redis) echo "cwd=$REDIS_DATA" ;; # redis-server rewrites its argv, but chdirs to --dir
    kafka-[1-3] | secure-kafka-[1-3]) echo "$(node_data "$1")/server.properties" ;;
    secure-redis) echo "cwd=$SECURE_REDIS_DATA" ;;
    sentinel-redis-[12] | sentinel-[1-3]) echo "cwd=$SENTINEL_DATA/$1" ;; # both chdir to their `dir`
    redis-cluster-[1-6]) echo "cwd=$REDIS_CLUSTER_DATA/$1" ;;
  esac
}

pid_file() { echo "$RUN_DIR/$1.pid"; }

alive() { # also false for zombies (a child that died while we were still waiting)
  local state
  kill -0 "$1" 2>/dev/null || return 1
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || true
  [[ $state != Z ]]
}

our_pid() { # svc -> prints the pid if run/<svc>.pid names a live process we started
  local f pid desc
  f=$(pid_file "$1")
  [[ -f $f ]] || return 1
  pid=$(<"$f")
  [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" || return 1
  desc="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true) cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null || true)"
  [[ $desc == *"$(svc_marker "$1")"* ]] || return 1
  echo "$pid"
}

svc_port() {
  case $1 in
    kafka) echo "$KAFKA_PORT" ;;
    registry) echo "$SCHEMA_REGISTRY_PORT" ;;
    redis) echo "$REDIS_PORT" ;;
    kafka-[1-3] | secure-kafka-[1-3]) node_port "$1" ;;
    secure-redis) echo "$SECURE_REDIS_PORT" ;;
    sentinel-redis-[12] | sentinel-[1-3]) sentinel_svc_port "$1" ;;
    redis-cluster-[1-6]) echo $((REDIS_CLUSTER_BASE_PORT + $(node_id "$1") - 1)) ;;
  esac
}

# cluster node kafka-<n> or secure-kafka-<n>: its number, ports and data dir
node_id() { echo "${1##*-}"; }
is_secure_node() { [[ $1 == secure-kafka-[1-3] ]]; }
is_cluster_node() { [[ $1 == kafka-[1-3] || $1 == secure-kafka-[1-3] ]]; }
node_base_port() { if is_secure_node "$1"; then echo "$KAFKA_SECURE_BASE_PORT"; else echo "$KAFKA_CLUSTER_BASE_PORT"; fi; }
node_port() { echo $(($(node_base_port "$1") + 2 * ($(node_id "$1") - 1))); }
node_controller_port() { echo $(($(node_port "$1") + 1)); }
node_data() { if is_secure_node "$1"; then echo "$SECURE_DATA/node-$(node_id "$1")"; else echo "$CLUSTER_DATA/node-$(node_id "$1")"; fi; }
node_port_var() { if is_secure_node "$1"; then echo KAFKA_SECURE_BASE_PORT; else echo KAFKA_CLUSTER_BASE_PORT; fi; }
node_family() { if is_secure_node "$1"; then echo "${SECURE_NODES[@]}"; else echo "${CLUSTER_NODES[@]}"; fi; }

joined() { # separator words... -> words joined by the separator
  local IFS=$1
  shift
  echo "$*"
}
cluster_brokers() { # [node...] (default: the plaintext cluster)
  local s out=()
  (($#)) || set -- "${CLUSTER_NODES[@]}"
  for s in "$@"; do out+=("127.0.0.1:$(node_port "$s")"); done
  joined , "${out[@]}"
}
cluster_voters() { # svc -> the controller quorum of its family
  local s out=()
  # shellcheck disable=SC2046 # a list of node names
  for s in $(node_family "$1"); do out+=("$(node_id "$s")@127.0.0.1:$(node_controller_port "$s")"); done
  joined , "${out[@]}"
}

# sentinel mode: sentinel-redis-<n> (a Redis node) or sentinel-<n> (a Sentinel)
is_sentinel_service() { [[ $1 == sentinel-redis-[12] || $1 == sentinel-[1-3] ]]; }
is_sentinel_redis() { [[ $1 == sentinel-redis-[12] ]]; }
sentinel_svc_port() {
  if is_sentinel_redis "$1"; then
    echo $((REDIS_SENTINEL_BASE_PORT + $(node_id "$1") - 1))
  else
    echo $((REDIS_SENTINEL_PORT_BASE + $(node_id "$1") - 1))
  fi
}
sentinel_port_var() { if is_sentinel_redis "$1"; then echo REDIS_SENTINEL_BASE_PORT; else echo REDIS_SENTINEL_PORT_BASE; fi; }
sentinel_conf() { # svc -> its config file
  if is_sentinel_redis "$1"; then echo "$SENTINEL_DATA/$1/redis.conf"; else echo "$SENTINEL_DATA/$1/sentinel.conf"; fi
}
sentinel_addrs() { # -> the Sentinels' 127.0.0.1:<port>, comma-separated (REDIS_SENTINELS)
  local s out=()
  for s in "${SENTINELS[@]}"; do out+=("127.0.0.1:$(svc_port "$s")"); done
  joined , "${out[@]}"
}

# Redis Cluster mode: redis-cluster-<n>, six Redis nodes of one cluster
is_redis_cluster_node() { [[ $1 == redis-cluster-[1-6] ]]; }
redis_cluster_addrs() { # -> every node's 127.0.0.1:<port>, comma-separated (REDIS_CLUSTER_NODES, the seeds)
  local s out=()
  for s in "${REDIS_CLUSTER_SERVICES[@]}"; do out+=("127.0.0.1:$(svc_port "$s")"); done
  joined , "${out[@]}"
}

port_svc() { # <port> or <host>:<port> -> the service of this script on that port (svc_port's inverse)
  local port=${1##*:} s
  for s in "${ALL_SERVICES[@]}" "${CLUSTER_NODES[@]}" "${SECURE_SERVICES[@]}" "${SENTINEL_SERVICES[@]}" "${REDIS_CLUSTER_SERVICES[@]}"; do
    if [[ $(svc_port "$s") == "$port" ]]; then
      echo "$s"
      return 0
    fi
  done
  return 1
}

# ---------------------------------------------------------------------------
# "does it really answer?" checks

broker_answers() { # port
  port_open "$1" || return 1
  if command -v kcat >/dev/null 2>&1; then
    timeout 15 kcat -b "127.0.0.1:$1" -L -m 5 >/dev/null 2>&1 || return 1
  fi
}
kafka_answers() { broker_answers "$KAFKA_PORT"; }

# For our own broker also require the startup log line: the port opens a little
# before the broker has finished recovering its logs.
kafka_ready() {
  grep -q 'Kafka Server started' "$LOG_DIR/kafka.log" 2>/dev/null && kafka_answers
}

# A cluster node only logs "started" once the controller quorum has a leader (two of three voters).
node_ready() { # svc
  grep -q 'Kafka Server started' "$LOG_DIR/$1.log" 2>/dev/null && node_answers "$1"
}

# A secured node answers only TLS + SCRAM, which Debian's kcat fails at: an open port must do there.
node_answers() { # svc
  if is_secure_node "$1"; then port_open "$(node_port "$1")"; else broker_answers "$(node_port "$1")"; fi
}

registry_answers() {
  command -v curl >/dev/null 2>&1 || return 1
  curl -sf -o /dev/null --max-time 5 "http://127.0.0.1:$SCHEMA_REGISTRY_PORT/apis/ccompat/v7/subjects"
}

redis_answers() {
  if command -v redis-cli >/dev/null 2>&1; then
    [[ $(timeout 5 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]
  else
    (
      exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT" || exit 1
      printf 'PING\r\n' >&3
      IFS= read -r -t 5 reply <&3 || exit 1
      [[ $reply == +PONG* ]]
    ) 2>/dev/null
  fi
}

sentinel_cli() { # port args... : redis-cli to a node or a Sentinel of sentinel mode (or a Redis Cluster node); prints nothing if it does not answer
  local port=$1 auth='' tls=()
  shift
  # The Sentinels ask for their password; the data nodes' default user is open.
  if ((port >= REDIS_SENTINEL_PORT_BASE && port < REDIS_SENTINEL_PORT_BASE + ${#SENTINELS[@]})) && [[ -s $SENTINEL_PASSWORD_FILE ]]; then
    auth=$(<"$SENTINEL_PASSWORD_FILE")
  fi
  # Only the development Redis on REDIS_PORT speaks plaintext.
  ((port == REDIS_PORT)) || tls=("${REDIS_TLS_CLI_ARGS[@]}")
  REDISCLI_AUTH=$auth timeout 5 redis-cli -h 127.0.0.1 -p "$port" "${tls[@]}" --no-auth-warning "$@" 2>/dev/null | tr -d '\r'
}

sentinel_answers() { [[ $(sentinel_cli "$(svc_port "$1")" ping) == PONG ]]; } # a node or a Sentinel

sentinel_names() { # sentinel-<n> -> the <host>:<port> it names as the primary; false if it does not answer
  local host port
  { read -r host && read -r port; } < <(sentinel_cli "$(svc_port "$1")" SENTINEL get-master-addr-by-name "$SENTINEL_PRIMARY_NAME") || return 1
  [[ $port =~ ^[0-9]+$ ]] || return 1
  echo "$host:$port"
}

sentinel_primary() { # -> the primary as the first Sentinel that answers names it
  local s
  for s in "${SENTINELS[@]}"; do sentinel_names "$s" && return 0; done
  return 1
}

sentinel_names_other() { # port -> the primary a Sentinel names if that is not 127.0.0.1:<port>; false if none does
  local s primary
  for s in "${SENTINELS[@]}"; do
    primary=$(sentinel_names "$s") || continue
    if [[ $primary != "127.0.0.1:$1" ]]; then
      echo "$primary"
      return 0
    fi
  done
  return 1
}

# Its primary by service name, so that a status line holds no port but the node's own.
sentinel_role() { # svc -> "primary" or "replica of <service or host:port>, link up|down" (from its INFO replication)
  local info primary n
  info=$(sentinel_cli "$(svc_port "$1")" INFO replication) || true
  case $info in
    *role:master*) echo primary ;;
    *role:slave*)
      primary="$(sed -n 's/^master_host://p' <<<"$info"):$(sed -n 's/^master_port://p' <<<"$info")"
      for n in "${SENTINEL_REDIS_NODES[@]}"; do [[ $primary == "127.0.0.1:$(svc_port "$n")" ]] && primary=$n; done
      echo "replica of $primary, link $(sed -n 's/^master_link_status://p' <<<"$info")"
      ;;
    *) return 1 ;;
  esac
}

# A node is ready as what the Sentinels expect it to be: a node that says role:master is ready when no
# Sentinel names another one as the primary (none may answer yet); a replica when its link to its
# primary is up. So an old primary restarted after a failover is ready only once the Sentinels have
# made it a replica, and not while they still disagree just after a failover.
sentinel_redis_ready() { # svc
  local role
  role=$(sentinel_role "$1") || return 1
  case $role in
    primary) ! sentinel_names_other "$(svc_port "$1")" >/dev/null ;;
    *) [[ $role == *", link up" ]] ;;
  esac
}

# A Sentinel is ready when it sees enough Sentinels for the quorum and for a majority to authorise a failover.
sentinel_ready() { [[ $(sentinel_cli "$(svc_port "$1")" SENTINEL ckquorum "$SENTINEL_PRIMARY_NAME") == OK* ]]; }

redis_cluster_answers() { [[ $(sentinel_cli "$(svc_port "$1")" ping) == PONG ]]; }

# A node that knows no other node and serves no slot has never been in a cluster: `up redis-cluster` forms it.
redis_cluster_fresh() { # CLUSTER INFO text
  [[ $1 == *cluster_known_nodes:1$'\n'* && $1 == *cluster_slots_assigned:0$'\n'* ]]
}

# A node of a formed cluster is ready when it sees the cluster as ok (every slot served) and, as a
# replica, its link to its primary is up: so an old primary restarted after a failover is ready once
# it has turned into a replica and synced. A node in no cluster yet is ready when it answers.
redis_cluster_node_ready() { # svc
  local port info
  port=$(svc_port "$1")
  info=$(sentinel_cli "$port" CLUSTER INFO)
  [[ -n $info ]] || return 1
  redis_cluster_fresh "$info" && return 0
  [[ $info == *cluster_state:ok* ]] || return 1
  info=$(sentinel_cli "$port" INFO replication)
  [[ $info == *role:master* || $info == *master_link_status:up* ]]
}

# Its primary by service name, like sentinel_role, so that a status line holds no port but the node's own.
redis_cluster_role() { # svc -> "primary, slots <ranges>", "replica of <service>, link up|down" or "in no cluster yet"
  local nodes flags master_id slots primary link
  nodes=$(sentinel_cli "$(svc_port "$1")" CLUSTER NODES)
  # <id> <ip:port@bus> <flags> <primary id or -> <ping> <pong> <epoch> <link> [<slot ranges>...]
  read -r _ _ flags master_id _ _ _ _ slots < <(grep -E '^[0-9a-f]+ [^ ]+ ([^ ]*,)?myself' <<<"$nodes") || return 1
  case $flags in
    *master*)
      if [[ $(grep -c . <<<"$nodes") == 1 ]]; then echo "in no cluster yet"; else echo "primary, slots ${slots:-none}"; fi
      ;;
    *slave*)
      primary=$(awk -v id="$master_id" '$1 == id { split($2, a, "@"); print a[1] }' <<<"$nodes")
      primary=$(port_svc "$primary") || primary=${primary:-$master_id}
      link=$(sentinel_cli "$(svc_port "$1")" INFO replication | sed -n 's/^master_link_status://p')
      echo "replica of $primary, link ${link:-unknown}"
      ;;
    *) return 1 ;;
  esac
}

# The primaries that serve slots, as the first node that answers sees them; a primary the cluster has
# failed (flag `fail`, not the tentative `fail?`) is left out. One 127.0.0.1:<port> a line, by port.
redis_cluster_primaries() {
  local s nodes
  for s in "${REDIS_CLUSTER_SERVICES[@]}"; do
    nodes=$(sentinel_cli "$(svc_port "$s")" CLUSTER NODES)
    [[ -n $nodes ]] || continue
    nodes=$(awk '$3 ~ /master/ && $3 !~ /(^|,)fail(,|$)/ && NF >= 9 { split($2, a, "@"); print a[1] }' <<<"$nodes" | sort -t: -k2,2n)
    [[ -n $nodes ]] || return 1
    echo "$nodes"
    return 0
  done
  return 1
}

svc_answers() {
  if is_cluster_node "$1"; then
    node_answers "$1"
  elif is_sentinel_service "$1"; then
    sentinel_answers "$1"
  elif is_redis_cluster_node "$1"; then
    redis_cluster_answers "$1"
  else
    "${1//-/_}_answers"
  fi
}

svc_ready() { # the check `up` waits for
  case $1 in
    kafka) kafka_ready ;;
    kafka-[1-3] | secure-kafka-[1-3]) node_ready "$1" ;;
    sentinel-redis-[12]) sentinel_redis_ready "$1" ;;
    sentinel-[1-3]) sentinel_ready "$1" ;;
    redis-cluster-[1-6]) redis_cluster_node_ready "$1" ;;
    *) svc_answers "$1" ;;
  esac
}

svc_timeout() {
  case $1 in
    kafka | kafka-[1-3] | secure-kafka-[1-3]) echo "$KAFKA_TIMEOUT" ;;
    registry) echo "$REGISTRY_TIMEOUT" ;;
    redis | secure-redis) echo "$REDIS_TIMEOUT" ;;
    sentinel-redis-[12] | sentinel-[1-3]) echo "$REDIS_SENTINEL_TIMEOUT" ;;
    redis-cluster-[1-6]) echo "$REDIS_CLUSTER_TIMEOUT" ;;
  esac
}

# ---------------------------------------------------------------------------
# process management

LAUNCHED_PID=
launch() { # svc workdir cmd... : start detached; output -> logs/<svc>.log, pid -> run/<svc>.pid
  local svc=$1 workdir=$2 log pidf i
  shift 2
  log=$LOG_DIR/$svc.log
  pidf=$(pid_file "$svc")
  if [[ -f $log ]]; then mv -f "$log" "$log.1"; fi
  rm -f "$pidf"
  mkdir -p "$workdir"
  # setsid: own session, so a Ctrl-C in the terminal that ran `up` doesn't reach it.
  # The inner shell writes its own pid and then execs the service, so the pid file
  # holds the service's real pid. 9>&- : don't inherit our lock.
  # shellcheck disable=SC2016 # $$, $0, $1 are for the inner shell
  setsid nohup bash -c 'echo $$ >"$0"; cd "$1" && shift && exec "$@"' "$pidf" "$workdir" "$@" \
    </dev/null >>"$log" 2>&1 9>&- &
  for ((i = 0; i < 50; i++)); do
    [[ -s $pidf ]] && break
    sleep 0.1
  done
  [[ -s $pidf ]] || die "$svc did not start (no pid file); see $log"
  LAUNCHED_PID=$(<"$pidf")
}

fail_with_log() { # svc message
  local svc=$1 pid
  {
    printf 'error: %s: %s\n' "$svc" "$2"
    printf -- '--- last 20 lines of %s ---\n' "$LOG_DIR/$svc.log"
    tail -n 20 "$LOG_DIR/$svc.log" 2>/dev/null || true
    printf -- '---\n'
  } >&2
  if pid=$(our_pid "$svc"); then
    step "$svc" "stopping the half-started process (pid $pid)" >&2
    stop_pid "$svc" >&2
  fi
  exit 1
}

wait_for() { # svc pid : until svc_ready, the process dies, or the service's timeout passes
  local svc=$1 pid=$2 timeout start elapsed next_note=30
  timeout=$(svc_timeout "$svc")
  start=$(now_ms)
  while :; do
    if svc_ready "$svc"; then
      step "$svc" "ready on 127.0.0.1:$(svc_port "$svc") in $(since "$start")"
      return 0
    fi
    alive "$pid" || fail_with_log "$svc" "process $pid exited before the service answered"
    elapsed=$((($(now_ms) - start) / 1000))
    ((elapsed < timeout)) || fail_with_log "$svc" "not answering after ${timeout}s"
    if ((elapsed >= next_note)); then
      step "$svc" "still waiting (${elapsed}s of ${timeout}s)..."
      next_note=$((next_note + 30))
    fi
    sleep 0.5
  done
}

stop_pid() { # svc : stop the process from run/<svc>.pid, and only that one
  local svc=$1 pid pidf start i
  pidf=$(pid_file "$svc")
  if ! pid=$(our_pid "$svc"); then
    if [[ -f $pidf ]]; then
      rm -f "$pidf"
      step "$svc" "not running (removed stale pid file)"
    elif port_open "$(svc_port "$svc")"; then
      step "$svc" "not started by this script (external service on port $(svc_port "$svc")); left alone"
    else
      step "$svc" "not running"
    fi
    return 0
  fi
  step "$svc" "stopping (pid $pid)"
  start=$(now_ms)
  kill -TERM "$pid" 2>/dev/null || true
  while alive "$pid" && (($(now_ms) - start < STOP_TIMEOUT * 1000)); do sleep 0.1; done
  if alive "$pid"; then
    step "$svc" "still running after ${STOP_TIMEOUT}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      alive "$pid" || break
      sleep 0.1
    done
  fi
  rm -f "$pidf"
  step "$svc" "stopped in $(since "$start")"
}

# ---------------------------------------------------------------------------
# kafka

kafka_java() { # runs a Kafka class with the cached classpath
  java -cp "$KAFKA_HOME/lib/*" -Dlog4j2.configurationFile="$KAFKA_LOG4J" "$@"
}

cmd_kafka_tool() { # Kafka's own Java tools, for tests that check what the Java client reads
  (($# > 0)) || die "kafka-tool needs a main class"
  [[ -f $KAFKA_HOME/.complete ]] || die "Kafka $KAFKA_VERSION is not downloaded yet: run '${0##*/} up kafka' first"
  java -cp "$KAFKA_HOME/lib/*" -Dlog4j2.configurationFile="$KAFKA_TOOLS_LOG4J" "$@"
}

kafka_fetch() {
  local marker=$KAFKA_HOME/.complete want start mlog=$LOG_DIR/maven-kafka.log
  # The marker records the pom's hash too, so editing the pom refreshes the jars.
  want="kafka $KAFKA_VERSION pom-sha256 $(sha256sum <"$SCRIPT_DIR/kafka/pom.xml" | cut -d' ' -f1)"
  if [[ -f $marker && $(<"$marker") == "$want" ]]; then return 0; fi
  require_cmd mvn "apt-get install maven"
  step kafka "downloading Kafka $KAFKA_VERSION jars from Maven Central (first run only, ~1 min; log: $mlog)"
  start=$(now_ms)
  rm -rf "$KAFKA_HOME"
  mkdir -p "$KAFKA_HOME"
  if ! mvn -B -f "$SCRIPT_DIR/kafka/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
    "$MAVEN_DEPENDENCY_PLUGIN:copy-dependencies" -DincludeScope=runtime \
    -DoutputDirectory="$KAFKA_HOME/lib" >"$mlog" 2>&1; then
    tail -n 20 "$mlog" >&2
    die "Maven could not fetch Kafka $KAFKA_VERSION (full log: $mlog)"
  fi
  compgen -G "$KAFKA_HOME/lib/kafka_2.13-$KAFKA_VERSION.jar" >/dev/null ||
    die "Maven finished but $KAFKA_HOME/lib has no kafka_2.13-$KAFKA_VERSION.jar (log: $mlog)"
  echo "$want" >"$marker"
  step kafka "downloaded $(find "$KAFKA_HOME/lib" -name '*.jar' | wc -l) jars in $(since "$start")"
}

kafka_write_config() { # regenerated on every start, so port changes take effect
  mkdir -p "$KAFKA_DATA/logs"
  cat >"$KAFKA_DATA/server.properties" <<EOF
# Generated by tools/local-stack/stack.sh on every start; edits are overwritten.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$KAFKA_DATA/logs
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
# Topics are created by the project's own tooling (Apicurio creates its own too).
auto.create.topics.enable=false
EOF
}

# Once per data dir (`<dir>/server.properties` must exist). The cluster id is kept in `id_file`,
# so a re-format reuses it and the three cluster nodes share one.
format_storage() { # svc data-dir id-file [extra StorageTool format args...]
  local svc=$1 dir=$2 id_file=$3 id flog=$LOG_DIR/kafka-format.log start
  shift 3
  [[ -f $dir/logs/meta.properties ]] && return 0
  start=$(now_ms)
  if [[ ! -s $id_file ]]; then
    id=$(kafka_java kafka.tools.StorageTool random-uuid 2>>"$flog" | tail -n 1)
    [[ $id =~ ^[A-Za-z0-9_-]{22}$ ]] || die "could not generate a Kafka cluster id (got '$id'; log: $flog)"
    mkdir -p "$(dirname "$id_file")"
    echo "$id" >"$id_file"
  fi
  id=$(<"$id_file")
  step "$svc" "formatting storage in $dir/logs (cluster id $id)"
  if ! kafka_java kafka.tools.StorageTool format -t "$id" -c "$dir/server.properties" \
    --ignore-formatted "$@" >>"$flog" 2>&1; then
    tail -n 20 "$flog" >&2
    die "formatting Kafka storage for $svc failed (log: $flog)"
  fi
  step "$svc" "formatted in $(since "$start")"
}

kafka_up() {
  require_java17
  kafka_fetch
  kafka_write_config
  format_storage kafka "$KAFKA_DATA" "$KAFKA_DATA/cluster.id"
  if port_open "$KAFKA_PORT"; then
    die "port $KAFKA_PORT is in use by something that is not a Kafka broker; free it or set KAFKA_PORT"
  fi
  if port_open "$KAFKA_CONTROLLER_PORT"; then
    die "controller port $KAFKA_CONTROLLER_PORT is already in use; free it or set KAFKA_CONTROLLER_PORT"
  fi
  step kafka "starting Kafka $KAFKA_VERSION on 127.0.0.1:$KAFKA_PORT (controller :$KAFKA_CONTROLLER_PORT)"
  launch kafka "$KAFKA_DATA" java -Xms512m -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$KAFKA_LOG4J" -cp "$KAFKA_HOME/lib/*" \
    kafka.Kafka "$KAFKA_DATA/server.properties"
  wait_for kafka "$LAUNCHED_PID"
}

# ---------------------------------------------------------------------------
# kafka cluster: three combined broker+controller nodes (the staging/production topology)

node_listeners() { # svc -> the listener lines of a plaintext or a secured node
  local port cport
  port=$(node_port "$1")
  cport=$(node_controller_port "$1")
  if ! is_secure_node "$1"; then
    cat <<EOF
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
EOF
    return
  fi
  # Clients and brokers: SASL_SSL with SCRAM-SHA-512. Controllers: mutual TLS, so no one without
  # a certificate of the local CA (only the brokers have one) reaches the quorum; the certificate's
  # CN is the principal (User:opal-broker). Nothing listens in clear.
  cat <<EOF
listeners=SASL_SSL://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=SASL_SSL://127.0.0.1:$port
inter.broker.listener.name=SASL_SSL
controller.listener.names=CONTROLLER
listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:SSL
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="opal-broker" password="$(secure_password opal-broker)";
ssl.keystore.type=PEM
ssl.keystore.location=$SECURE_DIR/broker-keystore.pem
ssl.truststore.type=PEM
ssl.truststore.location=$SECURE_DIR/ca.crt
listener.name.controller.ssl.client.auth=required
ssl.principal.mapping.rules=RULE:^CN=([^,]+)\$/\$1/,DEFAULT
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:opal-admin;User:opal-broker
allow.everyone.if.no.acl.found=false
EOF
}

node_write_config() { # svc ; regenerated on every start, like the single broker's
  local dir
  dir=$(node_data "$1")
  mkdir -p "$dir/logs"
  (umask 077 && cat >"$dir/server.properties") <<EOF
# Generated by tools/local-stack/stack.sh on every start; edits are overwritten.
process.roles=broker,controller
node.id=$(node_id "$1")
controller.quorum.voters=$(cluster_voters "$1")
$(node_listeners "$1")
log.dirs=$dir/logs
# Kafka's internal topics get what kafka-init gives ours in staging and production: a write
# acknowledged with acks=all is on two replicas, so one dead broker loses nothing.
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
# 50 partitions (the default) x 3 replicas is a lot of idle leadership for a 2-core machine.
offsets.topic.num.partitions=12
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
share.coordinator.state.topic.replication.factor=3
share.coordinator.state.topic.min.isr=2
unclean.leader.election.enable=false
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
EOF
}

node_launch() { # svc ; starts it without waiting: a node cannot finish starting before a quorum exists
  local svc=$1 port cport dir
  port=$(node_port "$svc")
  cport=$(node_controller_port "$svc")
  dir=$(node_data "$svc")
  node_write_config "$svc"
  if is_secure_node "$svc"; then
    # SCRAM credentials are part of the metadata log: they are written when the storage is formatted.
    local scram=() user
    for user in "${SECURE_USERS[@]}"; do scram+=(--add-scram "SCRAM-SHA-512=[name=$user,password=$(secure_password "$user")]"); done
    format_storage "$svc" "$dir" "$SECURE_DATA/cluster.id" "${scram[@]}"
  else
    format_storage "$svc" "$dir" "$CLUSTER_DATA/cluster.id"
  fi
  port_open "$port" && die "port $port ($svc) is in use by something that is not our broker; free it or set $(node_port_var "$svc")"
  port_open "$cport" && die "controller port $cport ($svc) is already in use; free it or set $(node_port_var "$svc")"
  step "$svc" "starting broker+controller $(node_id "$svc") on 127.0.0.1:$port (controller :$cport)"
  # Small heaps: three of them, the development stack and the apps share one machine.
  launch "$svc" "$dir" java -Xms256m -Xmx768m -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$KAFKA_LOG4J" -cp "$KAFKA_HOME/lib/*" \
    kafka.Kafka "$dir/server.properties"
}

# Starts every one of a group that is not running (with its launcher, which does not wait), then
# waits for all of them together: a member may not finish starting before the others run.
group_up() { # launcher svc...
  local launcher=$1 svc pid i pids=() waiting=()
  shift
  for svc in "$@"; do
    if pid=$(our_pid "$svc"); then
      step "$svc" "running (pid $pid, 127.0.0.1:$(svc_port "$svc"))"
      svc_ready "$svc" && continue
    else
      rm -f "$(pid_file "$svc")"
      "$launcher" "$svc"
      pid=$LAUNCHED_PID
    fi
    waiting+=("$svc")
    pids+=("$pid")
  done
  for ((i = 0; i < ${#waiting[@]}; i++)); do wait_for "${waiting[i]}" "${pids[i]}"; done
}

# Starts every selected node that is not running, then waits for all of them together.
cluster_up() { # svc...
  require_java17
  kafka_fetch
  if [[ " $* " == *" secure-kafka-"* ]]; then secure_prepare; fi
  group_up node_launch "$@"
}

# ---------------------------------------------------------------------------
# secured mode: a local CA, certificates and one password per user, made once into $SECURE_DIR

write_password() { (umask 077 && openssl rand -hex 24 >"$1"); } # file: a fresh password, readable by us only

secure_password() { # user -> its password (generated with the rest of the material)
  local f=$SECURE_DIR/passwords/$1
  [[ -s $f ]] || die "no password for '$1' in $SECURE_DIR (run '${0##*/} up secure')"
  cat "$f"
}

# A certificate of the local CA for 127.0.0.1, with a PKCS#8 key (what Kafka's PEM keystore reads).
secure_issue() { # name common-name
  local name=$1 cn=$2
  openssl req -new -newkey rsa:2048 -nodes -subj "/CN=$cn" \
    -keyout "$SECURE_DIR/$name.key" -out "$SECURE_DIR/$name.csr" 2>/dev/null
  openssl x509 -req -in "$SECURE_DIR/$name.csr" -CA "$SECURE_DIR/ca.crt" -CAkey "$SECURE_DIR/ca.key" \
    -CAcreateserial -days 365 -out "$SECURE_DIR/$name.crt" -extfile <(printf '%s\n' \
      'subjectAltName=IP:127.0.0.1,DNS:localhost' 'basicConstraints=CA:FALSE' \
      'keyUsage=digitalSignature,keyEncipherment' 'extendedKeyUsage=serverAuth,clientAuth') 2>/dev/null
  rm -f "$SECURE_DIR/$name.csr"
}

# Idempotent. The data of the secured services belongs to this material (SCRAM users are formatted
# into the brokers' storage, Redis users into its ACL file), so new material means new data.
secure_prepare() {
  local user fresh=
  require_cmd openssl "apt-get install openssl"
  mkdir -p "$SECURE_DIR/passwords"
  chmod 700 "$SECURE_DIR" "$SECURE_DIR/passwords"
  if [[ ! -s $SECURE_DIR/ca.crt ]] || ! openssl x509 -checkend 86400 -noout -in "$SECURE_DIR/broker.crt" >/dev/null 2>&1; then
    step secure "making a local CA and certificates for the brokers and Redis in $SECURE_DIR"
    (
      umask 077
      openssl req -x509 -new -newkey rsa:2048 -nodes -days 365 -subj "/CN=OPAL local stack CA" \
        -keyout "$SECURE_DIR/ca.key" -out "$SECURE_DIR/ca.crt" 2>/dev/null
      secure_issue broker opal-broker
      secure_issue redis opal-redis
      cat "$SECURE_DIR/broker.key" "$SECURE_DIR/broker.crt" >"$SECURE_DIR/broker-keystore.pem"
    )
    chmod 644 "$SECURE_DIR/ca.crt"
  fi
  for user in "${SECURE_USERS[@]}"; do
    [[ -s $SECURE_DIR/passwords/$user ]] && continue
    write_password "$SECURE_DIR/passwords/$user"
    fresh=1
  done
  if [[ -n $fresh && ( -d $SECURE_DATA || -d $SECURE_REDIS_DATA ) ]]; then
    step secure "new passwords: clearing the secured services' data (it holds the old users)"
    rm -rf "$SECURE_DATA" "$SECURE_REDIS_DATA"
  fi
}

secure_redis_cli() { # args... : redis-cli as opal-admin over TLS
  REDISCLI_AUTH=$(secure_password opal-admin) timeout 5 redis-cli --tls --cacert "$SECURE_DIR/ca.crt" \
    -h 127.0.0.1 -p "$SECURE_REDIS_PORT" --user opal-admin --no-auth-warning "$@"
}

secure_redis_answers() { [[ -s $SECURE_DIR/passwords/opal-admin && $(secure_redis_cli ping 2>/dev/null) == PONG ]]; }

secure_redis_up() {
  local user acl=$SECURE_REDIS_DATA/users.acl
  command -v redis-server >/dev/null 2>&1 || redis_install
  secure_prepare
  mkdir -p "$SECURE_REDIS_DATA"
  # Written once: `kafka-init access` grants each app its keys and commands and saves them here.
  if [[ ! -f $acl ]]; then
    (
      umask 077
      echo 'user default off'
      echo "user opal-admin on >$(secure_password opal-admin) ~* &* +@all"
      for user in "${SECURE_USERS[@]}"; do
        [[ $user == opal-admin || $user == opal-broker ]] && continue
        echo "user $user on >$(secure_password "$user") resetkeys resetchannels -@all"
      done
    ) >"$acl"
  fi
  port_open "$SECURE_REDIS_PORT" && die "port $SECURE_REDIS_PORT is in use by something that is not our Redis; free it or set SECURE_REDIS_PORT"
  step secure-redis "starting $(redis-server --version | cut -d' ' -f1-3) with TLS only on 127.0.0.1:$SECURE_REDIS_PORT, ACL users"
  launch secure-redis "$SECURE_REDIS_DATA" redis-server --bind 127.0.0.1 --port 0 \
    --tls-port "$SECURE_REDIS_PORT" --tls-cert-file "$SECURE_DIR/redis.crt" --tls-key-file "$SECURE_DIR/redis.key" \
    --tls-ca-cert-file "$SECURE_DIR/ca.crt" --tls-auth-clients no --aclfile "$acl" \
    --dir "$SECURE_REDIS_DATA" --daemonize no --appendonly yes --save ''
  wait_for secure-redis "$LAUNCHED_PID"
}

# Redis refuses to start on an aclfile that does not exist; an empty one keeps the open default
# user of the development stack. Kept across starts: it holds what access saved.
touch_acl_file() { [[ -f $1 ]] || (umask 077 && : >"$1"); }

# The config lines of a TLS-only node (Sentinel and Redis Cluster modes), for clients and
# replication, with the secured mode's CA and Redis certificate; on a Sentinel, tls-replication is
# also what makes it reach the nodes and the other Sentinels over TLS.
redis_tls_lines() { # port
  cat <<EOF
port 0
tls-port $1
tls-cert-file "$SECURE_DIR/redis.crt"
tls-key-file "$SECURE_DIR/redis.key"
tls-ca-cert-file "$SECURE_DIR/ca.crt"
tls-auth-clients no
tls-replication yes
EOF
}

# ---------------------------------------------------------------------------
# sentinel mode: a Redis primary and its replica behind three Sentinels

# Sentinel rewrites these files as it goes: its own (the replicas and Sentinels it met, epochs, the
# current primary) and, with CONFIG REWRITE, a node's (`replicaof` when it changes the node's role).
# So they are written only when none of the five runs (a fresh start: sentinel-redis-1 is the primary
# again, the replica resyncs from it, port changes take effect) and kept while any of them runs, which
# is what brings an old primary restarted after a failover back as a replica.
sentinel_write_configs() {
  local s dir port
  for s in "${SENTINEL_SERVICES[@]}"; do our_pid "$s" >/dev/null && return 0; done
  mkdir -p "$SENTINEL_DATA"
  [[ -s $SENTINEL_PASSWORD_FILE ]] || write_password "$SENTINEL_PASSWORD_FILE"
  for s in "${SENTINEL_SERVICES[@]}"; do
    dir=$SENTINEL_DATA/$s
    port=$(svc_port "$s")
    mkdir -p "$dir"
    if is_sentinel_redis "$s"; then
      {
        cat <<EOF
# Written by tools/local-stack/stack.sh when the sentinel services start from stopped; Sentinel
# rewrites it (CONFIG REWRITE) when it makes this node a primary or a replica.
bind 127.0.0.1
dir "$dir"
daemonize no
$(redis_tls_lines "$port")
appendonly yes
appendfsync everysec
save ""
# A replica (a restarted old primary too) gets its full sync at once, not after the default 5 s.
repl-diskless-sync-delay 0
# ACL users are not replicated: kafka-init access grants them on each node and saves them here.
aclfile "$dir/users.acl"
EOF
        [[ $s == sentinel-redis-1 ]] || echo "replicaof 127.0.0.1 $REDIS_SENTINEL_BASE_PORT"
      } >"$(sentinel_conf "$s")"
      touch_acl_file "$dir/users.acl"
    else
      cat >"$(sentinel_conf "$s")" <<EOF
# Written by tools/local-stack/stack.sh when the sentinel services start from stopped; this Sentinel
# rewrites it as it learns the replicas, the other Sentinels and failovers.
bind 127.0.0.1
dir "$dir"
daemonize no
$(redis_tls_lines "$port")
requirepass "$(<"$SENTINEL_PASSWORD_FILE")"
sentinel monitor $SENTINEL_PRIMARY_NAME 127.0.0.1 $REDIS_SENTINEL_BASE_PORT $SENTINEL_QUORUM
sentinel down-after-milliseconds $SENTINEL_PRIMARY_NAME 1000
sentinel failover-timeout $SENTINEL_PRIMARY_NAME 10000
sentinel parallel-syncs $SENTINEL_PRIMARY_NAME 1
EOF
    fi
  done
}

sentinel_launch() { # svc ; starts it without waiting: a replica syncs only once its primary runs
  local svc=$1 port dir conf primary
  port=$(svc_port "$svc")
  dir=$SENTINEL_DATA/$svc
  conf=$(sentinel_conf "$svc")
  port_open "$port" && die "port $port ($svc) is in use by something that is not ours; free it or set $(sentinel_port_var "$svc")"
  if ! is_sentinel_redis "$svc"; then
    step "$svc" "starting Sentinel on 127.0.0.1:$port, watching '$SENTINEL_PRIMARY_NAME' (quorum $SENTINEL_QUORUM)"
    launch "$svc" "$dir" redis-server "$conf" --sentinel
    return
  fi
  if grep -q '^replicaof ' "$conf"; then
    step "$svc" "starting Redis on 127.0.0.1:$port as a replica of $(sed -n 's/^replicaof \([^ ]*\) \([0-9]*\).*/\1:\2/p' "$conf")"
  elif primary=$(sentinel_names_other "$port"); then
    step "$svc" "starting Redis on 127.0.0.1:$port; the Sentinels name $primary as the primary, so they will make this a replica of it (about 10 s)"
  else
    step "$svc" "starting Redis on 127.0.0.1:$port as the primary"
  fi
  launch "$svc" "$dir" redis-server "$conf"
}

sentinel_up() { # svc...
  command -v redis-server >/dev/null 2>&1 || redis_install
  require_cmd redis-cli "apt-get install redis-tools"
  secure_prepare
  sentinel_write_configs
  group_up sentinel_launch "$@"
}

# ---------------------------------------------------------------------------
# Redis Cluster mode: six nodes, three primaries with a replica each

# redis.conf is regenerated on every start of a node: nothing rewrites it. What the cluster is (node
# ids, who is primary or replica of whom, slots, epochs) Redis keeps in nodes.conf beside it, which is
# what a restarted node rejoins from; a node killed as a primary whose replica took over comes back
# as that replica's replica.
redis_cluster_launch() { # svc ; starts it without waiting: a formed cluster is ok only once most of it runs
  local svc=$1 port dir was
  port=$(svc_port "$svc")
  dir=$REDIS_CLUSTER_DATA/$svc
  port_open "$port" && die "port $port ($svc) is in use by something that is not ours; free it or set REDIS_CLUSTER_BASE_PORT"
  port_open $((port + 10000)) && die "cluster bus port $((port + 10000)) ($svc) is in use; free it or set REDIS_CLUSTER_BASE_PORT"
  mkdir -p "$dir"
  cat >"$dir/redis.conf" <<EOF
# Generated by tools/local-stack/stack.sh on every start of this node; edits are overwritten.
# The cluster's state is in nodes.conf, which Redis itself keeps.
bind 127.0.0.1
dir "$dir"
daemonize no
cluster-enabled yes
cluster-config-file "$dir/nodes.conf"
cluster-node-timeout $REDIS_CLUSTER_NODE_TIMEOUT
$(redis_tls_lines "$port")
# The cluster bus (tls-port + 10000) over TLS too.
tls-cluster yes
appendonly yes
appendfsync everysec
save ""
# A replica (a restarted old primary too) gets its full sync at once, not after the default 5 s.
repl-diskless-sync-delay 0
# ACL users are not replicated: kafka-init access grants them on each node and saves them here.
aclfile "$dir/users.acl"
EOF
  touch_acl_file "$dir/users.acl"
  if [[ -f $dir/nodes.conf ]] && (($(grep -c '@' "$dir/nodes.conf") > 1)); then
    was=$(grep -E '^[0-9a-f]+ [^ ]+ ([^ ]*,)?myself' "$dir/nodes.conf" | cut -d' ' -f3)
    case $was in *master*) was=primary ;; *slave*) was=replica ;; *) was=node ;; esac
    step "$svc" "starting Redis cluster node on 127.0.0.1:$port (bus :$((port + 10000))), rejoining from nodes.conf (it was a $was)"
  else
    step "$svc" "starting Redis cluster node on 127.0.0.1:$port (bus :$((port + 10000)))"
  fi
  launch "$svc" "$dir" redis-server "$dir/redis.conf"
}

redis_cluster_create() {
  local s addrs=() log=$LOG_DIR/redis-cluster-create.log start
  for s in "${REDIS_CLUSTER_SERVICES[@]}"; do addrs+=("127.0.0.1:$(svc_port "$s")"); done
  step redis-cluster "forming the cluster: ${#addrs[@]} nodes, $REDIS_CLUSTER_REPLICAS replica per primary (redis-cli --cluster create; log: $log)"
  start=$(now_ms)
  if ! timeout "$REDIS_CLUSTER_TIMEOUT" redis-cli "${REDIS_TLS_CLI_ARGS[@]}" --cluster create "${addrs[@]}" \
    --cluster-replicas "$REDIS_CLUSTER_REPLICAS" --cluster-yes >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    die "redis-cli --cluster create failed (log: $log); start over with 'down redis-cluster && rm -rf $REDIS_CLUSTER_DATA'"
  fi
  step redis-cluster "formed in $(since "$start")"
}

# Until every node that runs is ready (redis_cluster_node_ready) and `redis-cli --cluster check` passes:
# the nodes agree on who serves which slot, and every slot is served.
redis_cluster_wait() { # svc... (the nodes that run)
  local s start elapsed next_note=30 check='' ready
  start=$(now_ms)
  while :; do
    for s in "$@"; do
      our_pid "$s" >/dev/null || fail_with_log "$s" "exited before the cluster was ok"
    done
    ready=1
    for s in "$@"; do
      if ! redis_cluster_node_ready "$s"; then
        ready=
        check="$s is not ready yet: $(redis_cluster_role "$s" || echo 'not answering')"
        break
      fi
    done
    if [[ -n $ready ]] && check=$(timeout 10 redis-cli "${REDIS_TLS_CLI_ARGS[@]}" --cluster check "127.0.0.1:$(svc_port "$1")" 2>&1); then
      step redis-cluster "ok: every slot served, the $# running nodes agree ($(since "$start"))"
      return 0
    fi
    elapsed=$((($(now_ms) - start) / 1000))
    if ((elapsed >= REDIS_CLUSTER_TIMEOUT)); then
      printf '%s\n' "$check" | tail -n 20 >&2
      die "the Redis Cluster is not ok after ${REDIS_CLUSTER_TIMEOUT}s (above: redis-cli --cluster check); 'status' shows each node"
    fi
    if ((elapsed >= next_note)); then
      step redis-cluster "still waiting for the cluster (${elapsed}s of ${REDIS_CLUSTER_TIMEOUT}s)..."
      next_note=$((next_note + 30))
    fi
    sleep 0.5
  done
}

# Starts the selected nodes that are not running and waits for them (group_up); then, when all six
# run and none has ever been in a cluster, forms it, and waits until the cluster is ok. A formed
# cluster is never formed again: its nodes rejoin from their nodes.conf.
redis_cluster_up() { # svc...
  local s info running=() fresh=()
  command -v redis-server >/dev/null 2>&1 || redis_install
  require_cmd redis-cli "apt-get install redis-tools"
  secure_prepare
  group_up redis_cluster_launch "$@"
  for s in "${REDIS_CLUSTER_SERVICES[@]}"; do
    our_pid "$s" >/dev/null || continue
    running+=("$s")
    info=$(sentinel_cli "$(svc_port "$s")" CLUSTER INFO)
    if redis_cluster_fresh "$info"; then fresh+=("$s"); fi
  done
  if ((${#fresh[@]} == 0)); then
    redis_cluster_wait "${running[@]}"
  elif ((${#fresh[@]} == ${#REDIS_CLUSTER_SERVICES[@]})); then
    redis_cluster_create
    redis_cluster_wait "${running[@]}"
  elif ((${#fresh[@]} == ${#running[@]})); then
    step redis-cluster "not formed yet and only ${#running[@]} of ${#REDIS_CLUSTER_SERVICES[@]} nodes run; 'up redis-cluster' starts the rest and forms it"
  else
    die "${fresh[*]} in no cluster, while the other nodes are in one (a data dir wiped?); start over with 'down redis-cluster && rm -rf $REDIS_CLUSTER_DATA'"
  fi
}

# ---------------------------------------------------------------------------
# registry (Apicurio)

registry_fetch() {
  local marker=$APICURIO_HOME/.complete start mlog=$LOG_DIR/maven-apicurio.log
  local tarball=$APICURIO_HOME/apicurio-registry-app-$APICURIO_VERSION-all.tar.gz
  if [[ -f $marker && -f $APICURIO_HOME/quarkus-run.jar ]]; then return 0; fi
  require_cmd mvn "apt-get install maven"
  step registry "downloading Apicurio Registry $APICURIO_VERSION from Maven Central (first run only, ~160 MB; log: $mlog)"
  start=$(now_ms)
  rm -rf "$APICURIO_HOME"
  mkdir -p "$APICURIO_HOME"
  # Run from the (pom-less) target dir so Maven doesn't pick up some project pom.
  if ! (cd "$APICURIO_HOME" && mvn -B "$MAVEN_DEPENDENCY_PLUGIN:copy" \
    -Dartifact="io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all" \
    -DoutputDirectory="$APICURIO_HOME") >"$mlog" 2>&1; then
    tail -n 20 "$mlog" >&2
    die "Maven could not fetch Apicurio Registry $APICURIO_VERSION (full log: $mlog)"
  fi
  step registry "downloaded in $(since "$start"); unpacking"
  tar xzf "$tarball" -C "$APICURIO_HOME"
  rm -f "$tarball" # ~/.m2 keeps a copy
  [[ -f $APICURIO_HOME/quarkus-run.jar ]] || die "unpacked Apicurio has no quarkus-run.jar in $APICURIO_HOME"
  echo "apicurio $APICURIO_VERSION" >"$marker"
}

registry_up() {
  local java
  java=$(registry_java)
  registry_fetch
  # KafkaSQL storage: schemas live in Kafka topics (kafkasql-journal, created by the
  # registry itself), so ids survive registry restarts. Hence Kafka must run first.
  if ! kafka_answers; then
    step registry "needs Kafka on port $KAFKA_PORT; bringing it up first"
    service_up kafka
  fi
  if port_open "$SCHEMA_REGISTRY_PORT"; then
    die "port $SCHEMA_REGISTRY_PORT is in use by something that is not a schema registry; free it or set SCHEMA_REGISTRY_PORT"
  fi
  if port_open "$SCHEMA_REGISTRY_MANAGEMENT_PORT"; then
    die "management port $SCHEMA_REGISTRY_MANAGEMENT_PORT is already in use; free it or set SCHEMA_REGISTRY_MANAGEMENT_PORT"
  fi
  step registry "starting Apicurio Registry $APICURIO_VERSION on 127.0.0.1:$SCHEMA_REGISTRY_PORT (Java $(java_major "$java"), usually 20-30s)"
  # quarkus.management.* : otherwise the management interface listens on 0.0.0.0:9000.
  launch registry "$REGISTRY_DATA" "$java" -Xmx512m \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$SCHEMA_REGISTRY_PORT" \
    -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$SCHEMA_REGISTRY_MANAGEMENT_PORT" \
    -Dapicurio.storage.kind=kafkasql -Dapicurio.kafkasql.bootstrap.servers="127.0.0.1:$KAFKA_PORT" \
    -jar "$APICURIO_HOME/quarkus-run.jar"
  wait_for registry "$LAUNCHED_PID"
}

# ---------------------------------------------------------------------------
# redis

redis_install() {
  local alog=$LOG_DIR/apt-redis.log start
  if ! command -v apt-get >/dev/null 2>&1 || [[ $(id -u) != 0 ]]; then
    die "redis-server not found; install redis-server, e.g. apt-get install redis-server"
  fi
  step redis "redis-server not found; installing it with apt-get (can take a few minutes; log: $alog)"
  start=$(now_ms)
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -qq redis-server >"$alog" 2>&1; then
    step redis "install failed; running apt-get update and retrying"
    if ! { apt-get update -qq && apt-get install -y -qq redis-server; } >>"$alog" 2>&1; then
      tail -n 20 "$alog" >&2
      die "apt-get install redis-server failed (log: $alog)"
    fi
  fi
  step redis "installed redis-server in $(since "$start")"
}

redis_up() {
  command -v redis-server >/dev/null 2>&1 || redis_install
  # Debian's package may have just auto-started the system redis on our port.
  if redis_answers; then
    step redis "reusing external service on port $REDIS_PORT"
    return 0
  fi
  if port_open "$REDIS_PORT"; then
    die "port $REDIS_PORT is in use by something that does not answer Redis PING; free it or set REDIS_PORT"
  fi
  step redis "starting $(redis-server --version | cut -d' ' -f1-3) on 127.0.0.1:$REDIS_PORT"
  launch redis "$REDIS_DATA" redis-server --bind 127.0.0.1 --port "$REDIS_PORT" \
    --dir "$REDIS_DATA" --daemonize no --appendonly yes --save ''
  wait_for redis "$LAUNCHED_PID"
}

# ---------------------------------------------------------------------------
# commands

service_up() { # svc : idempotent
  local svc=$1 pid port
  port=$(svc_port "$svc")
  if pid=$(our_pid "$svc"); then
    if svc_answers "$svc"; then
      step "$svc" "running (pid $pid, 127.0.0.1:$port)"
      return 0
    fi
    # e.g. a previous `up` was interrupted while it was still starting
    step "$svc" "already starting (pid $pid); waiting for it"
    wait_for "$svc" "$pid"
    return 0
  fi
  if svc_answers "$svc"; then
    step "$svc" "reusing external service on port $port"
    return 0
  fi
  rm -f "$(pid_file "$svc")"
  "${svc//-/_}_up"
}

# Serialises concurrent up/down runs (e.g. parallel test jobs).
take_lock() {
  command -v flock >/dev/null 2>&1 || return 0
  exec 9>"$RUN_DIR/stack.lock"
  if flock -n 9; then return 0; fi
  step stack "another stack.sh up/down is running; waiting for it to finish"
  flock -w 600 9 || die "another stack.sh up/down is still running (lock: $RUN_DIR/stack.lock)"
}

is_development_service() { [[ " ${ALL_SERVICES[*]} " == *" $1 "* ]]; }

select_services() { # names... -> SELECTED (in start order); no names = the development stack
  local s a ok known=("${ALL_SERVICES[@]}" "${CLUSTER_NODES[@]}" "${SECURE_SERVICES[@]}" "${SENTINEL_SERVICES[@]}" "${REDIS_CLUSTER_SERVICES[@]}")
  SELECTED=()
  local wanted=()
  for a in "$@"; do
    case $a in
      cluster) wanted+=("${CLUSTER_NODES[@]}") && continue ;;
      secure) wanted+=("${SECURE_SERVICES[@]}") && continue ;;
      sentinel) wanted+=("${SENTINEL_SERVICES[@]}") && continue ;;
      redis-cluster) wanted+=("${REDIS_CLUSTER_SERVICES[@]}") && continue ;;
    esac
    ok=
    for s in "${known[@]}"; do [[ $a == "$s" ]] && ok=1; done
    [[ -n $ok ]] || die "unknown service '$a' (expected: ${ALL_SERVICES[*]}, cluster, secure, sentinel, redis-cluster or one of ${CLUSTER_NODES[*]} ${SECURE_SERVICES[*]} ${SENTINEL_SERVICES[*]} ${REDIS_CLUSTER_SERVICES[*]})"
    wanted+=("$a")
  done
  for s in "${known[@]}"; do
    if (($# == 0)); then
      is_development_service "$s" && SELECTED+=("$s")
      continue
    fi
    for a in "${wanted[@]}"; do
      if [[ $a == "$s" ]]; then
        SELECTED+=("$s")
        break
      fi
    done
  done
}

cmd_up() {
  local start s primaries
  select_services "$@"
  if [[ " ${SELECTED[*]} " == *" registry "* ]]; then require_cmd curl "apt-get install curl"; fi
  take_lock
  start=$(now_ms)
  local nodes=() sentinel=() rcluster=()
  for s in "${SELECTED[@]}"; do
    if is_cluster_node "$s"; then
      nodes+=("$s")
    elif is_sentinel_service "$s"; then
      sentinel+=("$s")
    elif is_redis_cluster_node "$s"; then
      rcluster+=("$s")
    else
      service_up "$s"
    fi
  done
  if ((${#nodes[@]})); then
    cluster_up "${nodes[@]}"
    if [[ " ${nodes[*]} " == *" kafka-"* ]]; then
      step stack "cluster brokers: $(cluster_brokers) (eval \"\$(${0} env cluster)\")"
    fi
    if [[ " ${nodes[*]} " == *" secure-kafka-"* ]]; then
      step stack "secured brokers: $(cluster_brokers "${SECURE_NODES[@]}") (SASL_SSL); Redis: TLS on $SECURE_REDIS_PORT (eval \"\$(${0} env secure <user>)\")"
    fi
  fi
  if ((${#sentinel[@]})); then
    sentinel_up "${sentinel[@]}"
    step stack "Sentinels: $(sentinel_addrs), primary '$SENTINEL_PRIMARY_NAME' at $(sentinel_primary || echo '?') (eval \"\$(${0} env sentinel)\")"
  fi
  if ((${#rcluster[@]})); then
    redis_cluster_up "${rcluster[@]}"
    primaries=$(redis_cluster_primaries) || primaries='?'
    step stack "Redis Cluster: seeds $(redis_cluster_addrs), primaries ${primaries//$'\n'/,} (eval \"\$(${0} env redis-cluster)\")"
  fi
  if ((${#nodes[@]} || ${#sentinel[@]} || ${#rcluster[@]})); then
    step stack "up in $(since "$start")"
    return 0
  fi
  step stack "up in $(since "$start"); for the env vars: eval \"\$(${0} env)\""
}

cmd_down() {
  local i s
  select_services "$@"
  if (($# == 0)); then # everything this script runs, the cluster, secured, sentinel and Redis Cluster services included
    for s in "${CLUSTER_NODES[@]}" "${SECURE_SERVICES[@]}" "${SENTINEL_SERVICES[@]}" "${REDIS_CLUSTER_SERVICES[@]}"; do our_pid "$s" >/dev/null && SELECTED+=("$s"); done
  fi
  take_lock
  for ((i = ${#SELECTED[@]} - 1; i >= 0; i--)); do
    s=${SELECTED[i]}
    if [[ $s == kafka ]] && [[ " ${SELECTED[*]} " != *" registry "* ]] && our_pid registry >/dev/null; then
      step kafka "note: the registry keeps running and reconnects once Kafka is back"
    fi
    stop_pid "$s"
  done
}

cmd_status() {
  local s pid port role
  echo "state dir: $STACK_DIR"
  for s in "${ALL_SERVICES[@]}" "${CLUSTER_NODES[@]}" "${SECURE_SERVICES[@]}" "${SENTINEL_SERVICES[@]}" "${REDIS_CLUSTER_SERVICES[@]}"; do
    # The cluster, the secured, the sentinel and the Redis Cluster services only show once they have been started here.
    if is_cluster_node "$s" && [[ ! -d $(node_data "$s") ]]; then continue; fi
    if [[ $s == secure-redis && ! -d $SECURE_REDIS_DATA ]]; then continue; fi
    if is_sentinel_service "$s" && [[ ! -d $SENTINEL_DATA/$s ]]; then continue; fi
    if is_redis_cluster_node "$s" && [[ ! -d $REDIS_CLUSTER_DATA/$s ]]; then continue; fi
    port=$(svc_port "$s")
    if pid=$(our_pid "$s"); then
      if svc_answers "$s"; then
        role=
        if is_sentinel_redis "$s"; then role=", $(sentinel_role "$s" || echo 'role unknown')"; fi
        if [[ $s == sentinel-[1-3] ]]; then role=", primary '$SENTINEL_PRIMARY_NAME' at $(sentinel_names "$s" || echo '?')"; fi
        if is_redis_cluster_node "$s"; then role=", $(redis_cluster_role "$s" || echo 'role unknown')"; fi
        step "$s" "running (pid $pid, 127.0.0.1:$port$role)"
      else
        step "$s" "started (pid $pid) but not answering on port $port yet"
      fi
    elif svc_answers "$s"; then
      step "$s" "external service on port $port (not managed by this script)"
    elif [[ -f $(pid_file "$s") ]]; then
      step "$s" "stopped (stale pid file)"
    else
      step "$s" "stopped"
    fi
  done
}

cmd_logs() {
  local svc=${1:-} log
  [[ -n $svc ]] || die "usage: stack.sh logs <service> [-f]"
  select_services "$svc"
  log=$LOG_DIR/$svc.log
  [[ -f $log ]] || die "no log for $svc yet ($log)"
  if [[ ${2:-} == -f ]]; then
    exec tail -n 50 -F "$log"
  fi
  cat "$log"
}

cmd_env() { # [cluster | sentinel | redis-cluster | secure <user>]
  local brokers=127.0.0.1:$KAFKA_PORT
  local redis="export REDIS_HOST=127.0.0.1
export REDIS_PORT=$REDIS_PORT"
  case ${1:-} in
    '') ;;
    cluster) brokers=$(cluster_brokers) ;;
    # The apps ask the Sentinels for the primary; REDIS_HOST/REDIS_PORT are then unused.
    sentinel)
      [[ -s $SENTINEL_PASSWORD_FILE ]] || die "no Sentinel password in $SENTINEL_PASSWORD_FILE (run '${0##*/} up sentinel')"
      redis="export REDIS_SENTINELS=$(sentinel_addrs)
export REDIS_SENTINEL_PRIMARY=$SENTINEL_PRIMARY_NAME
export REDIS_SENTINEL_PASSWORD=$(<"$SENTINEL_PASSWORD_FILE")
export REDIS_TLS=true
export REDIS_TLS_CA_FILE=$SECURE_DIR/ca.crt"
      ;;
    # The apps take these as seeds and learn the cluster's nodes and slots from whichever answers.
    redis-cluster)
      redis="export REDIS_CLUSTER_NODES=$(redis_cluster_addrs)
export REDIS_TLS=true
export REDIS_TLS_CA_FILE=$SECURE_DIR/ca.crt"
      ;;
    secure)
      env_secure "${2:-}"
      return
      ;;
    *) die "usage: stack.sh env [cluster | sentinel | redis-cluster | secure <user>]" ;;
  esac
  cat <<EOF
export KAFKA_BROKERS=$brokers
export SCHEMA_REGISTRY_URL=http://127.0.0.1:$SCHEMA_REGISTRY_PORT/apis/ccompat/v7
$redis
EOF
}

# The variables an app (or a tool, as opal-admin) needs for the secured services, its password included.
env_secure() { # user
  local user=$1 u password
  for u in "${SECURE_USERS[@]}"; do [[ $u == "$user" && $u != opal-broker ]] && password=$(secure_password "$user"); done
  [[ -n ${password:-} ]] || die "usage: stack.sh env secure <user>, one of: ${SECURE_USERS[*]/opal-broker/} (after 'up secure')"
  cat <<EOF
export KAFKA_BROKERS=$(cluster_brokers "${SECURE_NODES[@]}")
export KAFKA_SSL=true
export KAFKA_SSL_CA_FILE=$SECURE_DIR/ca.crt
export KAFKA_SASL_MECHANISM=scram-sha-512
export KAFKA_USERNAME=$user
export KAFKA_PASSWORD=$password
export SCHEMA_REGISTRY_URL=http://127.0.0.1:$SCHEMA_REGISTRY_PORT/apis/ccompat/v7
export REDIS_HOST=127.0.0.1
export REDIS_PORT=$SECURE_REDIS_PORT
export REDIS_TLS=true
export REDIS_TLS_CA_FILE=$SECURE_DIR/ca.crt
export REDIS_USERNAME=$user
export REDIS_PASSWORD=$password
EOF
}

# For fault tests: a hard crash (SIGKILL) of one process this script started; `up <service>`
# starts it again.
cmd_kill() {
  local svc=${1:-} pid
  [[ -n $svc ]] || die "usage: stack.sh kill <service>"
  select_services "$svc"
  pid=$(our_pid "$svc") || die "$svc is not running (or was not started by this script)"
  kill -KILL "$pid"
  while alive "$pid"; do sleep 0.05; done
  rm -f "$(pid_file "$svc")"
  step "$svc" "killed (SIGKILL, pid $pid)"
}

cmd_redis_cluster_primaries() { # for the tests: which nodes to count keys on, which one to kill
  redis_cluster_primaries || die "no Redis Cluster node answers with a primary (run '${0##*/} up redis-cluster')"
}

cmd_service_of() { # <port> or <host>:<port>
  [[ ${1:-} =~ ^([^:]*:)?[0-9]+$ ]] || die "usage: stack.sh service-of <port | host:port>"
  port_svc "$1" || die "no service of this script uses port ${1##*:}"
}

usage() {
  cat <<EOF
Usage: ${0##*/} <command> [args]

Local Kafka $KAFKA_VERSION (KRaft) + Apicurio Registry $APICURIO_VERSION + Redis on 127.0.0.1, no Docker.

  up [service...]     start services (default: redis, kafka, registry, in that order); idempotent
  up cluster          start a three-broker KRaft cluster (kafka-1..3) beside them, on its own ports
  up secure           the same cluster shape behind SASL_SSL (secure-kafka-1..3: SCRAM users, ACLs,
                      mutual TLS between brokers and controllers) and a TLS-only Redis with ACL users
                      (secure-redis); a local CA, certificates and passwords are made once in
                      $SECURE_DIR. Grant the apps their rights with kafka-init's access command.
  up sentinel         Redis behind Sentinel beside them: a primary (sentinel-redis-1), its replica
                      (sentinel-redis-2) and three Sentinels (sentinel-1..3) that watch the primary as
                      '$SENTINEL_PRIMARY_NAME' (quorum $SENTINEL_QUORUM) and promote the replica when it dies
  up redis-cluster    a Redis Cluster beside them: six nodes (redis-cluster-1..6), formed at the first
                      start into three primaries with one replica each; a replica takes over a dead
                      primary (cluster-node-timeout ${REDIS_CLUSTER_NODE_TIMEOUT} ms), and a restart rejoins from nodes.conf
  down [service...]   stop services this script started (default: all, the opt-in ones included)
  status              show what is running
  logs <service> [-f] print (or follow) a service's log
  env [cluster]       print export lines for KAFKA_BROKERS (the cluster's with 'cluster'),
                      SCHEMA_REGISTRY_URL, REDIS_HOST, REDIS_PORT
  env sentinel        the same with REDIS_SENTINELS, REDIS_SENTINEL_PRIMARY and REDIS_SENTINEL_PASSWORD instead of REDIS_HOST/PORT
  env redis-cluster   the same with REDIS_CLUSTER_NODES (the six nodes, as seeds), REDIS_TLS and REDIS_TLS_CA_FILE instead of REDIS_HOST/PORT
  env secure <user>   the same for the secured services as <user> (${SECURE_USERS[*]/opal-broker/}),
                      with TLS, the CA file and that user's password
  kill <service>      SIGKILL one service this script started (fault tests); 'up <service>' restarts it
  redis-cluster-primaries
                      print the Redis Cluster's primaries, one 127.0.0.1:<port> a line
  service-of <port>   print the service on a port (or host:port), e.g. 6401 -> redis-cluster-2
  kafka-tool <class> [args...]
                      run a main class of the cached Kafka distribution, e.g.
                      org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server 127.0.0.1:9092 ...
  help                this text

Services: ${ALL_SERVICES[*]}; cluster = ${CLUSTER_NODES[*]}; secure = ${SECURE_SERVICES[*]}
          sentinel = ${SENTINEL_SERVICES[*]}
          redis-cluster = ${REDIS_CLUSTER_SERVICES[*]}
Ports:    KAFKA_PORT=$KAFKA_PORT KAFKA_CONTROLLER_PORT=$KAFKA_CONTROLLER_PORT
          KAFKA_CLUSTER_BASE_PORT=$KAFKA_CLUSTER_BASE_PORT (brokers $(cluster_brokers), each controller on the next port)
          SCHEMA_REGISTRY_PORT=$SCHEMA_REGISTRY_PORT SCHEMA_REGISTRY_MANAGEMENT_PORT=$SCHEMA_REGISTRY_MANAGEMENT_PORT
          KAFKA_SECURE_BASE_PORT=$KAFKA_SECURE_BASE_PORT SECURE_REDIS_PORT=$SECURE_REDIS_PORT
          REDIS_PORT=$REDIS_PORT
          REDIS_SENTINEL_BASE_PORT=$REDIS_SENTINEL_BASE_PORT (primary; its replica on the next port)
          REDIS_SENTINEL_PORT_BASE=$REDIS_SENTINEL_PORT_BASE (Sentinels $(sentinel_addrs))
          REDIS_CLUSTER_BASE_PORT=$REDIS_CLUSTER_BASE_PORT (nodes $REDIS_CLUSTER_BASE_PORT-$((REDIS_CLUSTER_BASE_PORT + ${#REDIS_CLUSTER_SERVICES[@]} - 1)), cluster bus ports 10000 above)
State:    $STACK_DIR (override with OPAL_STACK_DIR)
EOF
}

main() {
  local cmd=${1:-help}
  (($# > 0)) && shift
  case $cmd in
    up | down) mkdir -p "$CACHE_DIR" "$DATA_DIR" "$RUN_DIR" "$LOG_DIR" ;;
  esac
  case $cmd in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    status) cmd_status ;;
    logs) cmd_logs "$@" ;;
    env) cmd_env "$@" ;;
    kill) cmd_kill "$@" ;;
    redis-cluster-primaries) cmd_redis_cluster_primaries ;;
    service-of) cmd_service_of "$@" ;;
    kafka-tool) cmd_kafka_tool "$@" ;;
    help | -h | --help) usage ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
}

main "$@"
