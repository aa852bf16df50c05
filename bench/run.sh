#!/usr/bin/env bash
# One benchmark run on this machine (docs/benchmarks.md): side by side
#   (a) raw Undertow WebSocket echo, (b) HttpClient 5 straight to the upstream stub,
#   (c) bridge WS -> HTTP -> WS, (d) bridge WS -> MQTT (local Mosquitto) -> WS
# for C = 1, 16, 256 connections and W = 1, 16 outstanding per connection; then (f) notification fan-out to
# 1,000 connected AEs and (e) heap and RSS per idle registered connection at 10,000 and 19,000 connections.
# Prints docs/benchmarks.md-ready tables and the ratios (c)/(a), (c)/(b), (d)/(a).
#
# Prerequisite: ./mvnw -B package -pl distribution -am -DskipTests   (distribution/target/m2m-bridge: the unpacked
#   tarball, whose lib/ holds the bridge and the load tool)
# Environment: WARMUP (default 3s) and MEASURE (default 5s) per cell; PREWARM (30s: JIT warm-up of each server); CONNS ("1 16 256"); WINDOWS ("1 16");
#   IDLE ("10000 19000"); FANOUT (1000); MQTT_BROKER (default: a Mosquitto this script starts on port 18830 with
#   set_tcp_nodelay true when `mosquitto` is installed, else tcp://127.0.0.1:1883; empty = skip (d));
#   SKIP ("" or any of: matrix fanout idle); HTTP_UPSTREAM_EXTRA (upstreams[].http keys for (c), e.g. "maxConnections: 256"; default: none, the shipped defaults). Results: bench/target/results/<time>/ (JSON per cell, tables.md).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/.." && pwd -P)
WARMUP=${WARMUP:-3s}
MEASURE=${MEASURE:-5s}
PREWARM=${PREWARM:-30s}
CONNS=${CONNS:-"1 16 256"}
WINDOWS=${WINDOWS:-"1 16"}
IDLE=${IDLE:-"10000 19000"}
FANOUT=${FANOUT:-1000}
if [ -z "${MQTT_BROKER+set}" ] && command -v mosquitto >/dev/null 2>&1; then
    OWN_MOSQUITTO=1 # stock Mosquitto leaves TCP_NODELAY off: ~40 ms per exchange (docs/benchmarks.md "MQTT (d)")
    MQTT_BROKER=tcp://127.0.0.1:18830
fi
MQTT_BROKER=${MQTT_BROKER-tcp://127.0.0.1:1883}
SKIP=${SKIP:-}
out=$here/target/results/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$out"
# One class path for everything: the unpacked tarball's lib/ (the bridge, the load tool and the bench peers), so
# the bridge measured is the one operators run.
LOAD_CP="$root/distribution/target/m2m-bridge/lib/*"
BRIDGE_CP=$LOAD_CP
# lib/ has logback (for the bridge): every other JVM here logs warnings only (unconfigured logback logs DEBUG)
QUIET="-Dlogback.configurationFile=$root/config/m2m-load-logback.xml"
ls "$root"/distribution/target/m2m-bridge/lib/bench-*.jar >/dev/null 2>&1 \
    || { echo "build first: ./mvnw -B package -pl distribution -am -DskipTests" >&2; exit 1; }
started=$(date +%s)
pids=()

cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT

say() { echo "== $(( $(date +%s) - started ))s: $*" >&2; }

# wait_for FILE PATTERN SECONDS: until FILE contains PATTERN
wait_for() {
    local i=0
    while ! grep -q "$2" "$1" 2>/dev/null; do
        i=$((i + 1)); [ "$i" -le $(( $3 * 10 )) ] || { echo "timed out waiting for '$2' in $1" >&2; cat "$1" >&2; exit 1; }
        sleep 0.1
    done
}

# start NAME JAVA-OPTS CLASS ARGS...: a JVM in the background; its pid in $last_pid, output in $out/NAME.log
start() {
    local name=$1 opts=$2; shift 2
    # $QUIET first: a bridge's own -Dlogback.configurationFile in $opts comes later and wins
    # shellcheck disable=SC2086
    java $QUIET $opts -XX:+UseG1GC -Dorg.jboss.logging.provider=slf4j "$@" >"$out/$name.log" 2>&1 &
    last_pid=$!
    pids+=("$last_pid")
}

load() { # load FILE ARGS...: one load tool run writing FILE
    local file=$1; shift
    java $QUIET -Xmx1g -XX:+UseG1GC -cp "$LOAD_CP" org.m2mbridge.bench.LoadTool --warmup "$WARMUP" --duration "$MEASURE" \
        --out "$out/$file" "$@" >/dev/null 2>"$out/${file%.json}.progress" || echo "  (run $file failed, see ${file%.json}.progress)" >&2
}

bridge_config() { # bridge_config UPSTREAM-YAML
    cat <<YAML
listeners:
  ws:   { host: 127.0.0.1, port: 0 }
  http: { host: 127.0.0.1, port: 0 }
upstreams:
  - $1
routes: { default: up }
limits: { maxConnections: 20000, maxConnectionsPerAddress: 20000, maxEntitiesPerConnection: 256, requestsPerSecondPerConnection: 0 }
ws: { pingInterval: 5m }
timeouts: { request: 10s, shutdownGrace: 1s }
store: { enabled: false, durable: false }
YAML
}

# ---- peers ------------------------------------------------------------------------------------------------------
say "starting echo server, upstream stub, bridges (results in $out)"
start echo "-Xmx512m" -cp "$LOAD_CP" org.m2mbridge.bench.EchoServer --port-file "$out/echo.port" --io-threads 2
echo_pid=$last_pid
start stub "-Xmx512m" -cp "$LOAD_CP" org.m2mbridge.bench.UpstreamStub --port-file "$out/stub.port" --io-threads 1
stub_pid=$last_pid
wait_for "$out/echo.port" . 30; wait_for "$out/stub.port" . 30
echo_url=ws://127.0.0.1:$(cat "$out/echo.port")/
stub_url=http://127.0.0.1:$(cat "$out/stub.port")

bridge_config "{ name: up, binding: http, url: \"$stub_url\", cseId: /id-in, serialization: json${HTTP_UPSTREAM_EXTRA:+, http: { $HTTP_UPSTREAM_EXTRA \}} }" >"$out/bridge-http.yaml"
mkdir -p "$out/home-http/logs" "$out/home-mqtt/logs"
M2MBRIDGE_HOME=$out/home-http start bridge-http "-Xmx2g -Xss256k -XX:+ExitOnOutOfMemoryError -Dlogback.configurationFile=$root/config/logback.xml" \
    -cp "$BRIDGE_CP" org.m2mbridge.distribution.Main --config "$out/bridge-http.yaml"
bridge_pid=$last_pid
wait_for "$out/bridge-http.log" "listening ws=" 60
bridge_ws=$(sed -n 's/^listening ws=//p' "$out/bridge-http.log" | head -n 1)

mqtt_ws=""
if [ -n "${OWN_MOSQUITTO:-}" ]; then
    printf 'listener 18830 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\nmax_inflight_messages 0\nmax_queued_messages 100000\n' >"$out/mosquitto.conf"
    mosquitto -c "$out/mosquitto.conf" >"$out/mosquitto.log" 2>&1 &
    pids+=("$!")
    for _ in $(seq 1 50); do (echo >/dev/tcp/127.0.0.1/18830) 2>/dev/null && break; sleep 0.1; done
fi
if [ -n "$MQTT_BROKER" ]; then
    start mqtt-stub "-Xmx512m" -cp "$LOAD_CP" org.m2mbridge.bench.MqttUpstreamStub --broker "$MQTT_BROKER" --cse id-in
    wait_for "$out/mqtt-stub.log" "ready" 30
    bridge_config "{ name: up, binding: mqtt, broker: \"$MQTT_BROKER\", cseId: /id-in, serialization: json }" >"$out/bridge-mqtt.yaml"
    M2MBRIDGE_HOME=$out/home-mqtt start bridge-mqtt "-Xmx1g -XX:+ExitOnOutOfMemoryError -Dlogback.configurationFile=$root/config/logback.xml" \
        -cp "$BRIDGE_CP" org.m2mbridge.distribution.Main --config "$out/bridge-mqtt.yaml"
    mqtt_pid=$last_pid
    wait_for "$out/bridge-mqtt.log" "listening ws=" 60
    mqtt_ws=$(sed -n 's/^listening ws=//p' "$out/bridge-mqtt.log" | head -n 1)
fi

# ---- JIT warm-up of every long-running peer (not measured): a fresh JVM spends its first seconds compiling ------
if [[ " $SKIP " != *" matrix "* ]]; then
    say "warming up the echo server and the bridges ($PREWARM each)"
    for url in "$echo_url" "$bridge_ws" $mqtt_ws; do
        flag=""; [ "$url" = "$echo_url" ] && flag=--echo
        java $QUIET -Xmx1g -cp "$LOAD_CP" org.m2mbridge.bench.LoadTool $flag --url "$url" --connections 16 --window 16 \
            --warmup "$PREWARM" --duration 1s >/dev/null 2>>"$out/prewarm.progress" || true
    done
fi

# ---- (a)-(d) matrix ---------------------------------------------------------------------------------------------
if [[ " $SKIP " != *" matrix "* ]]; then
    for c in $CONNS; do for w in $WINDOWS; do
        say "C=$c W=$w"
        load "a-c$c-w$w.json" --echo --url "$echo_url" --connections "$c" --window "$w" --pid "$echo_pid" --label a
        java $QUIET -Xmx512m -cp "$LOAD_CP" org.m2mbridge.bench.HttpDirect --url "$stub_url" --connections "$c" --window "$w" \
            --warmup "$WARMUP" --duration "$MEASURE" --pid "$stub_pid" --label b --out "$out/b-c$c-w$w.json" \
            >/dev/null 2>"$out/b-c$c-w$w.progress" || echo "  (run b failed)" >&2
        load "c-c$c-w$w.json" --url "$bridge_ws" --connections "$c" --window "$w" --pid "$bridge_pid" --label c
        if [ -n "$mqtt_ws" ]; then
            load "d-c$c-w$w.json" --url "$mqtt_ws" --connections "$c" --window "$w" --pid "$mqtt_pid" --label d
        fi
    done; done
fi

# ---- (f) notification fan-out -----------------------------------------------------------------------------------
if [[ " $SKIP " != *" fanout "* ]]; then
    say "fan-out to $FANOUT AEs"
    java $QUIET -Xmx1g -cp "$LOAD_CP" org.m2mbridge.bench.LoadTool --url "$bridge_ws" --connections "$FANOUT" --idle \
        --warmup 0s --duration 120s --ready-file "$out/fanout.ready" --out "$out/fanout-load.json" \
        >/dev/null 2>"$out/fanout.progress" &
    fan_pid=$!; pids+=("$fan_pid")
    wait_for "$out/fanout.ready" . 120
    for i in 1 2 3; do curl -s -X POST "$stub_url/bench/fanout" >"$out/fanout-$i.json"; done
    rm -f "$out/fanout.ready"   # tells the idle load tool to deregister and exit
    wait "$fan_pid" || true
fi

# ---- (e) idle capacity ------------------------------------------------------------------------------------------
heap_kib() { # used heap after a full GC, KiB
    jcmd "$1" GC.run >/dev/null
    jstat -gc "$1" | awk 'NR==2 { printf "%d\n", $3 + $4 + $6 + $8 }'
}
rss_kib() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
if [[ " $SKIP " != *" idle "* ]]; then
    echo '[' >"$out/idle.json"; sep=""
    for n in $IDLE; do
        say "idle: $n registered connections"
        h0=$(heap_kib "$bridge_pid"); r0=$(rss_kib "$bridge_pid")
        java $QUIET -Xmx2g -Xss256k -cp "$LOAD_CP" org.m2mbridge.bench.LoadTool --url "$bridge_ws" --connections "$n" --idle \
            --warmup 0s --duration 300s --ready-file "$out/idle-$n.ready" --out "$out/idle-$n-load.json" \
            >/dev/null 2>"$out/idle-$n.progress" &
        idle_pid=$!; pids+=("$idle_pid")
        wait_for "$out/idle-$n.ready" . 240
        ok=$(cat "$out/idle-$n.ready")
        h1=$(heap_kib "$bridge_pid"); r1=$(rss_kib "$bridge_pid")
        rm -f "$out/idle-$n.ready"
        wait "$idle_pid" || true
        sleep 5   # let the bridge finish closing the connections before measuring what they left behind
        h2=$(heap_kib "$bridge_pid")
        printf '%s{"connections":%d,"registered":%d,"heapBeforeKiB":%d,"heapAfterKiB":%d,"rssBeforeKiB":%d,"rssAfterKiB":%d,"heapAfterCloseKiB":%d}\n' \
            "$sep" "$n" "$ok" "$h0" "$h1" "$r0" "$r1" "$h2" >>"$out/idle.json"; sep=","

    done
    echo ']' >>"$out/idle.json"
fi

say "done; tables:"
java $QUIET -cp "$LOAD_CP" org.m2mbridge.bench.ResultsTable "$out" | tee "$out/tables.md"
say "total $(( $(date +%s) - started ))s"
