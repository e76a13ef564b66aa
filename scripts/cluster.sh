#!/usr/bin/env bash
# A throw-away Ivr cluster on this machine (issue 13; docs/cluster.md):
#   scripts/cluster.sh up [--nodes N] [--base-port P] [--state DIR]   PostgreSQL, Kamailio in front, N nodes (default 3)
#   scripts/cluster.sh status [--state DIR]   one line per node: node NAME pid PID sip ADDR:PORT http URL state STATE
#   scripts/cluster.sh restart [--state DIR] [--stop-wait S]  rolling restart: each node in turn drained (SIGTERM),
#                                             waited for (up to S s, default 60: the 30 s Calls:DrainTimeout plus leaving
#                                             the cluster; then SIGKILL), started again on the same addresses and ports,
#                                             waited for (ready, active in Kamailio)
#   scripts/cluster.sh down [--state DIR] [--stop-wait S]  stops everything and removes the state folder
# Node k (1..N) answers SIP on 127.0.0.(k+1); callers and agents go through Kamailio on 127.0.0.1. Ports, from the base
# port P (default 5060): Kamailio P, nodes' SIP P+10 (each on its own address), HTTP P+20+k, cluster transport P+30+k,
# PostgreSQL P+40 (with P=5060: Kamailio 5060, SIP 5070, HTTP 5081.., Akka 5091.., PostgreSQL 5100).
# The state folder (default .cluster/ in the repository, or $IVR_CLUSTER_STATE) holds each node's data folder, logs, pids,
# the dispatcher list and Kamailio's run folder; PostgreSQL's data lives in a folder the postgres user can reach.
# Uses the built engine (Ivr.Engine/bin/Release/net10.0/ivr), building it first when missing.
set -euo pipefail
repo=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
ivr="$repo/Ivr.Engine/bin/Release/net10.0/ivr"
pgbin=/usr/lib/postgresql/15/bin

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { echo "cluster.sh: $*" >&2; exit 1; }

cmd=${1:-}; [ -n "$cmd" ] || usage; shift
nodes=3
base=5060
state=${IVR_CLUSTER_STATE:-$repo/.cluster}
# How long a node has to drain and exit after SIGTERM: the engine's default Calls:DrainTimeout (30 s) plus leaving the cluster.
stop_wait=60
while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) nodes=${2:?--nodes needs a number}; shift 2 ;;
    --base-port) base=${2:?--base-port needs a port}; shift 2 ;;
    --state) state=${2:?--state needs a folder}; shift 2 ;;
    --stop-wait) stop_wait=${2:?--stop-wait needs seconds}; shift 2 ;;
    -h|--help) usage ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[[ "$nodes" =~ ^[1-9][0-9]?$ ]] && [ "$nodes" -le 250 ] || die "--nodes must be 1..250, got '$nodes'"
[[ "$stop_wait" =~ ^[1-9][0-9]{0,3}$ ]] || die "--stop-wait must be 1..9999 seconds, got '$stop_wait'"
[[ "$base" =~ ^[0-9]+$ ]] && [ "$base" -ge 1024 ] && [ "$base" -le 65000 ] || die "--base-port must be 1024..65000, got '$base'"

# As root, PostgreSQL's tools run as the postgres user (initdb refuses root).
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# Reads the state written by `up`: cluster.env (ports, folders) and nodes.tsv (one line per node).
load_state() {
  [ -f "$state/cluster.env" ] || die "no cluster in $state (run: scripts/cluster.sh up)"
  # shellcheck disable=SC1091
  . "$state/cluster.env"
}

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# up, draining or down, from the node's /readyz (and whether its process lives).
node_state() {
  local pid=$1 http=$2 body code
  alive "$pid" || { echo down; return; }
  body=$(curl -s -m 3 -w '\n%{http_code}' "$http/readyz" 2>/dev/null) || { echo down; return; }
  code=${body##*$'\n'}; body=${body%$'\n'*}
  if [ "$code" = 200 ]; then echo up
  elif [[ "$body" == draining* ]]; then echo draining
  else echo down
  fi
}

# Stops a process group led by PID with SIGTERM (the engine drains), bounded, then SIGKILL; returns once the process is
# gone (its ports free for a new start), or fails if it outlives the SIGKILL by 10 s.
stop_group() {
  local pid=$1 wait=${2:-40}
  alive "$pid" || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 $((wait * 10))); do alive "$pid" || return 0; sleep 0.1; done
  echo "cluster.sh: $pid did not stop in ${wait}s; killing it" >&2
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do alive "$pid" || return 0; sleep 0.1; done
  echo "cluster.sh: $pid still alive 10 s after SIGKILL" >&2
  return 1
}

# Replaces node NAME's line in nodes.tsv (temp file, then mv): the other nodes' lines stay whatever fails later.
set_node_line() {
  local name=$1 line=$2 tmp
  tmp=$(mktemp "$state/nodes.tsv.XXXXXX")
  awk -F'\t' -v n="$name" -v l="$line" '$1 == n { print l; next } { print }' "$state/nodes.tsv" > "$tmp"
  mv "$tmp" "$state/nodes.tsv"
}

# Starts node k (1..N) in its own process group (setsid) so that down stops it whole; appends nothing to the state.
# Every node is a seed: a restarted first seed then joins the running nodes instead of forming a cluster of its own.
start_node() {
  local k=$1 addr="127.0.0.$(($1 + 1))" http="http://127.0.0.1:$((kam_port + 20 + $1))" akka=$((kam_port + 30 + $1)) seeds=() i
  for i in $(seq 1 "$nodes"); do seeds+=(--set "Cluster:Seeds:$((i - 1))=127.0.0.$((i + 1)):$((kam_port + 30 + i))"); done
  mkdir -p "$state/n$k/data"
  # Secrets (the admin token, a connection string that may hold a password) go through the environment
  # (EngineOptions.EnvironmentPrefix IVR__, ':' written '__'), not the command line that ps shows to every user.
  (cd "$repo" && IVR__Ops__AdminToken="$(cat "$state/admin-token")" \
      IVR__Storage__ConnectionString="Host=127.0.0.1;Port=$pg_port;Username=ivr;Database=ivr" \
      exec setsid "$ivr" serve --address "$addr" --port "$sip_port" --http "$http" --data "$state/n$k/data" \
      --set "Cluster:Enabled=true" --set "Cluster:Node=n$k" --set "Cluster:Host=$addr" --set "Cluster:Port=$akka" \
      "${seeds[@]}" --set "Storage:Provider=postgres" \
      </dev/null >>"$state/n$k/engine.log" 2>&1) &
  echo $! > "$state/n$k/pid"
}

up() {
  [ ! -f "$state/cluster.env" ] || die "a cluster already runs from $state (scripts/cluster.sh down first)"
  command -v kamailio >/dev/null || [ -x /usr/sbin/kamailio ] || die "kamailio is missing (apt-get install -y kamailio)"
  [ -x "$pgbin/initdb" ] || die "PostgreSQL 15 is missing (apt-get install -y postgresql)"
  command -v sipp >/dev/null || true
  if [ ! -x "$ivr" ]; then
    echo "cluster.sh: building the engine (Release) ..." >&2
    dotnet build "$repo/Ivr.Engine" -c Release -nologo -v quiet >&2 || die "the engine build failed"
  fi
  local kam_port=$base sip_port=$((base + 10)) pg_port=$((base + 40))
  mkdir -p "$state"
  state=$(cd "$state" && pwd)
  local pgdir
  pgdir=$(mktemp -d /tmp/ivr-cluster-pg.XXXXXX)
  chmod 755 "$pgdir"
  cat > "$state/cluster.env" <<ENV
kam_port=$kam_port
sip_port=$sip_port
pg_port=$pg_port
pgdir=$pgdir
nodes=$nodes
ENV
  : > "$state/nodes.tsv"
  # If anything below fails (die exits), take down what was started.
  trap 'echo "cluster.sh: up failed; stopping what started" >&2; down >/dev/null 2>&1 || true' EXIT

  # PostgreSQL: a throw-away server on its own port, socket in its own folder.
  install -d -o "$( [ "$(id -u)" = 0 ] && echo postgres || id -un)" "$pgdir/data" "$pgdir/run"
  (cd / && as_pg "$pgbin/initdb" -D "$pgdir/data" -U ivr --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$state/initdb.log" 2>&1) \
    || die "initdb failed (see $state/initdb.log)"
  (cd / && as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/data/server.log" -w start \
      -o "-p $pg_port -k $pgdir/run -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null) \
    || die "PostgreSQL did not start on 127.0.0.1:$pg_port (see $pgdir/data/server.log)"
  "$pgbin/createdb" -h 127.0.0.1 -p "$pg_port" -U ivr ivr || die "createdb ivr failed"
  local conn="Host=127.0.0.1;Port=$pg_port;Username=ivr;Database=ivr"
  # One admin token for the cluster's nodes (drain, flow reload), readable only by whoever started it.
  local token
  token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
  (umask 077 && echo "$token" > "$state/admin-token")

  # The nodes.
  local k addr http
  for k in $(seq 1 "$nodes"); do
    addr="127.0.0.$((k + 1))"; http="http://127.0.0.1:$((base + 20 + k))"
    start_node "$k"
    printf 'n%s\t%s\t%s:%s\t%s\n' "$k" "$(cat "$state/n$k/pid")" "$addr" "$sip_port" "$http" >> "$state/nodes.tsv"
    echo "1 sip:$addr:$sip_port 0 0 duid=n$k" >> "$state/dispatcher.list"
  done

  # Kamailio with the repository's configuration, its own run folder and control socket.
  mkdir -p "$state/kamailio"
  (exec setsid kamailio -f "$repo/deploy/kamailio/kamailio.cfg" -DD -E -Y "$state/kamailio" -P "$state/kamailio/kamailio.pid" -m 64 -M 8 \
      -A "LISTEN=udp:127.0.0.1:$kam_port" -A "DSLIST=\"$state/dispatcher.list\"" -A "CTLSOCK=\"unix:$state/kamailio/ctl\"" \
      </dev/null >"$state/kamailio/kamailio.log" 2>&1) &
  echo $! > "$state/kamailio/pid"

  # Wait (bounded) for every node to be ready and for Kamailio to see them all.
  local deadline=$((SECONDS + 120)) name pid sip url s
  while IFS=$'\t' read -r name pid sip url; do
    until [ "$(node_state "$pid" "$url")" = up ]; do
      alive "$pid" || die "node $name exited at start: $(tail -5 "$state/${name}/engine.log")"
      [ $SECONDS -lt $deadline ] || die "node $name not ready within 120 s (see $state/$name/engine.log)"
      sleep 0.5
    done
  done < "$state/nodes.tsv"
  until [ "$(kamcmd -s "unix:$state/kamailio/ctl" dispatcher.list 2>/dev/null | grep -c 'FLAGS: AP')" = "$nodes" ]; do
    alive "$(cat "$state/kamailio/pid")" || die "kamailio exited at start: $(tail -5 "$state/kamailio/kamailio.log")"
    [ $SECONDS -lt $deadline ] || die "Kamailio does not see all $nodes nodes active within 120 s (see $state/kamailio/kamailio.log)"
    sleep 0.5
  done
  trap - EXIT

  echo "Ivr cluster up: $nodes nodes behind Kamailio, PostgreSQL on 127.0.0.1:$pg_port (state: $state)"
  echo "  call:        sip:hotline@127.0.0.1:$kam_port   (e.g. scripts/ivr dial sip:hotline@127.0.0.1:$kam_port)"
  echo "  postgres:    $conn"
  while IFS=$'\t' read -r name pid sip url; do
    echo "  dashboard:   $url/   (node $name, SIP $sip)"
  done < "$state/nodes.tsv"
  echo "  drain:       curl -X POST -H \"Authorization: Bearer \$(cat $state/admin-token)\" URL/api/drain"
  echo "  kamailio:    kamcmd -s unix:$state/kamailio/ctl dispatcher.list"
  echo "  status:      scripts/cluster.sh status   stop: scripts/cluster.sh down"
}

# Rolling restart: each node in turn drains (SIGTERM: new calls 503 and failed over by Kamailio, the router handed off,
# live calls finish), exits, starts again on the same addresses and ports, and is waited for (ready, active in Kamailio)
# before the next one.
restart() {
  load_state
  local name pid sip url k deadline
  [ -f "$state/nodes.tsv" ] || die "no nodes in $state"
  local nodes_list
  # Read up front: each node's line is replaced in place as it restarts (a failure mid-way loses no node for `down`).
  nodes_list=$(cat "$state/nodes.tsv")
  while IFS=$'\t' read -r name pid sip url; do
    k=${name#n}
    echo "cluster.sh: restarting $name (drain, stop, start) ..." >&2
    # The drain lasts as long as the node's calls (Calls:DrainTimeout, 30 s by default) plus leaving the cluster.
    stop_group "$pid" "$stop_wait" || die "node $name (pid $pid) does not stop; not restarted"
    start_node "$k"
    pid=$(cat "$state/$name/pid")
    set_node_line "$name" "$(printf '%s\t%s\t%s\t%s' "$name" "$pid" "$sip" "$url")"
    deadline=$((SECONDS + 120))
    until [ "$(node_state "$pid" "$url")" = up ]; do
      alive "$pid" || die "node $name exited at start: $(tail -5 "$state/$name/engine.log")"
      [ $SECONDS -lt $deadline ] || die "node $name not ready within 120 s (see $state/$name/engine.log)"
      sleep 0.5
    done
    until kamcmd -s "unix:$state/kamailio/ctl" dispatcher.list 2>/dev/null | grep -A2 "URI: sip:$sip" | grep -q 'FLAGS: AP'; do
      [ $SECONDS -lt $deadline ] || die "Kamailio does not see node $name active within 120 s"
      sleep 0.5
    done
    echo "cluster.sh: $name is back (pid $pid)" >&2
  done <<< "$nodes_list"
  echo "Ivr cluster restarted: $nodes nodes"
}

status() {
  load_state
  local name pid sip url
  while IFS=$'\t' read -r name pid sip url; do
    echo "node $name pid $pid sip $sip http $url state $(node_state "$pid" "$url")"
  done < "$state/nodes.tsv"
}

down() {
  load_state
  local name pid sip url
  if [ -f "$state/nodes.tsv" ]; then
    # SIGTERM drains each node (new calls 503, live calls finish, bounded by Calls:DrainTimeout): all at once.
    while IFS=$'\t' read -r name pid sip url; do alive "$pid" && kill -TERM -- "-$pid" 2>/dev/null || true; done < "$state/nodes.tsv"
    while IFS=$'\t' read -r name pid sip url; do stop_group "$pid" "$stop_wait" || true; done < "$state/nodes.tsv"
  fi
  [ -f "$state/kamailio/pid" ] && { stop_group "$(cat "$state/kamailio/pid")" 10 || true; }
  if [ -n "${pgdir:-}" ] && [ -f "$pgdir/data/postmaster.pid" ]; then
    (cd / && as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -m fast -w stop >/dev/null) || echo "cluster.sh: pg_ctl stop failed" >&2
  fi
  [ -n "${pgdir:-}" ] && [[ "$pgdir" == /tmp/ivr-cluster-pg.* ]] && rm -rf "$pgdir"
  rm -rf "$state"
  echo "Ivr cluster down"
}

case "$cmd" in
  up) up ;;
  status) status ;;
  down) down ;;
  restart) restart ;;
  *) usage ;;
esac
