#!/usr/bin/env bash
# One benchmark run on this machine (docs/benchmarks.md), built to reproduce: side by side
#   (a) raw Undertow WebSocket echo, (b) HttpClient 5 straight to the upstream stub (same AE set-up and mix as the
#   load tool), (c) bridge WS -> HTTP -> WS, (d) bridge WS -> MQTT (local Mosquitto) -> WS, and for the cells with
#   C*W <= CLOSE_MAX the real-CSE path: (b') direct and (c') bridge against a stub that answers `Connection: close`
#   (one TCP connection per request, as ACME's Werkzeug server);
# for C = 1, 16, 256 connections and W = 1, 16 outstanding per connection, interleaved in ROUNDS rounds (every
# round runs every cell once, the order of the kinds rotating per round), each load run in a fresh load-tool JVM
# that warms up until its own throughput is stable; then (f) notification fan-out to 1,000 connected AEs and (e)
# heap and RSS per idle registered connection at 10,000 and 19,000 connections. ResultsTable prints median
# [min-max] per cell, every ratio taken within a round, CPU per message in µs and as a multiple of echo's, and the
# machine record (cores, model, load before/after, CPU busy and steal over the run).
#
# Prerequisite: ./mvnw -B package -pl distribution -am -DskipTests   (distribution/target/m2m-bridge: the unpacked
#   tarball, whose lib/ holds the bridge and the load tool)
# Environment: ROUNDS (3); WARMUP (minimum warm-up per load run, 3s; it goes on until two 1 s windows agree within
#   5 %, at most 30 s more) and MEASURE (5s) per cell; PREWARM (30s: JIT warm-up of each server); CONNS ("1 16 256");
#   WINDOWS ("1 16"); CLOSE_MAX (16: Connection-close cells where C*W <= it; 0 = none); IDLE ("10000 19000");
#   FANOUT (1000); MQTT_BROKER (default: a Mosquitto this script starts on port 18830 with set_tcp_nodelay true when
#   `mosquitto` is installed, else tcp://127.0.0.1:1883; empty = skip (d)); SKIP ("" or any of: matrix fanout idle);
#   HTTP_UPSTREAM_EXTRA (upstreams[].http keys for (c) and (c'), e.g. "maxConnections: 256"; default: none, the
#   shipped defaults); OUT (results directory; default bench/target/results/<time>).
# Results: JSON per cell and round under r<N>/, machine-*.json, rounds.json, tables.md.
# Reproducibility: ResultsTable --compare DIR1 DIR2 (every ratio of two runs within ±15 %).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/.." && pwd -P)
ROUNDS=${ROUNDS:-3}
PREWARM=${PREWARM:-30s}
CONNS=${CONNS:-"1 16 256"}
WINDOWS=${WINDOWS:-"1 16"}
IDLE=${IDLE:-"10000 19000"}
FANOUT=${FANOUT:-1000}
CLOSE_MAX=${CLOSE_MAX:-16}
if [ -z "${MQTT_BROKER+set}" ] && command -v mosquitto >/dev/null 2>&1; then
    OWN_MOSQUITTO=1 # stock Mosquitto leaves TCP_NODELAY off: ~40 ms per exchange (docs/benchmarks.md "MQTT (d)")
    MQTT_BROKER=tcp://127.0.0.1:18830
fi
MQTT_BROKER=${MQTT_BROKER-tcp://127.0.0.1:1883}
SKIP=${SKIP:-}
out=${OUT:-$here/target/results/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
# shellcheck source=bench/lib.sh
. "$here/lib.sh"

# ---- peers ------------------------------------------------------------------------------------------------------
machine "$out/machine-start.json"
say "starting echo server, upstream stubs, bridges (results in $out)"
start echo "-Xmx512m" -cp "$LOAD_CP" org.m2mbridge.bench.EchoServer --port-file "$out/echo.port" --io-threads 2
echo_pid=$last_pid
start stub "-Xmx512m" -cp "$LOAD_CP" org.m2mbridge.bench.UpstreamStub --port-file "$out/stub.port" --io-threads 1
stub_pid=$last_pid
start stub-close "-Xmx512m" -cp "$LOAD_CP" org.m2mbridge.bench.UpstreamStub --port-file "$out/stub-close.port" \
    --io-threads 1 --connection-close
wait_for "$out/echo.port" . 60; wait_for "$out/stub.port" . 60; wait_for "$out/stub-close.port" . 60
echo_url=ws://127.0.0.1:$(cat "$out/echo.port")/
stub_url=http://127.0.0.1:$(cat "$out/stub.port")
close_url=http://127.0.0.1:$(cat "$out/stub-close.port")

http_extra=${HTTP_UPSTREAM_EXTRA:+, http: { $HTTP_UPSTREAM_EXTRA \}}
start_bridge bridge-http "{ name: up, binding: http, url: \"$stub_url\", cseId: /id-in, serialization: json$http_extra }"
bridge_pid=$last_pid; bridge_ws=$last_ws
close_ws=""
if [ "$CLOSE_MAX" -gt 0 ]; then
    start_bridge bridge-close "{ name: up, binding: http, url: \"$close_url\", cseId: /id-in, serialization: json$http_extra }"
    close_pid=$last_pid; close_ws=$last_ws
fi

mqtt_ws=""
if [ -n "${OWN_MOSQUITTO:-}" ]; then
    printf 'listener 18830 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\nmax_inflight_messages 0\nmax_queued_messages 100000\n' >"$out/mosquitto.conf"
    mosquitto -c "$out/mosquitto.conf" >"$out/mosquitto.log" 2>&1 &
    pids+=("$!")
    for _ in $(seq 1 50); do (echo >/dev/tcp/127.0.0.1/18830) 2>/dev/null && break; sleep 0.1; done
fi
if [ -n "$MQTT_BROKER" ]; then
    start mqtt-stub "-Xmx512m" -cp "$LOAD_CP" org.m2mbridge.bench.MqttUpstreamStub --broker "$MQTT_BROKER" --cse id-in
    wait_for "$out/mqtt-stub.log" "ready" 60
    start_bridge bridge-mqtt "{ name: up, binding: mqtt, broker: \"$MQTT_BROKER\", cseId: /id-in, serialization: json }"
    mqtt_pid=$last_pid; mqtt_ws=$last_ws
fi

# ---- JIT warm-up of every long-running peer (not measured): a fresh JVM spends its first seconds compiling ------
if [[ " $SKIP " != *" matrix "* ]]; then
    say "warming up the echo server and the bridges ($PREWARM each)"
    for url in "$echo_url" "$bridge_ws" $close_ws $mqtt_ws; do
        flag=""; [ "$url" = "$echo_url" ] && flag=--echo
        c=16; [ "$url" = "$close_ws" ] && c=4 # one connection per request: fewer at once, as ACME's clients
        java $QUIET -Xmx1g -cp "$LOAD_CP" org.m2mbridge.bench.LoadTool $flag --url "$url" --connections $c --window $c \
            --warmup "$PREWARM" --duration 1s >/dev/null 2>>"$out/prewarm.progress" || true
    done
fi

# ---- (a)-(d), (b'), (c'): ROUNDS interleaved rounds ------------------------------------------------------------
# run_kind KIND DIR C W: one load run of KIND at cell (C, W) into DIR
run_kind() {
    local k=$1 d=$2 c=$3 w=$4 f="$2/$1-c$3-w$4.json"
    case $k in
        a) load "$f" --echo --url "$echo_url" --connections "$c" --window "$w" --pid "$echo_pid" --label a ;;
        b) direct "$f" "$stub_url" --connections "$c" --window "$w" --pid "$stub_pid" --label b ;;
        c) load "$f" --url "$bridge_ws" --connections "$c" --window "$w" --pid "$bridge_pid" --label c ;;
        d) [ -z "$mqtt_ws" ] || load "$f" --url "$mqtt_ws" --connections "$c" --window "$w" --pid "$mqtt_pid" --label d ;;
        bx) direct "$f" "$close_url" --connections "$c" --window "$w" --label "b'" ;;
        cx) load "$f" --url "$close_ws" --connections "$c" --window "$w" --pid "$close_pid" --label "c'" ;;
    esac
}
if [[ " $SKIP " != *" matrix "* ]]; then
    echo '[' >"$out/rounds.json"; sep=""
    kinds=(a b c d bx cx)
    for round in $(seq 1 "$ROUNDS"); do
        mkdir -p "$out/r$round"
        printf '%s{"round":%d,"time":"%s","loadavg":"%s"}\n' "$sep" "$round" "$(date -u +%FT%TZ)" \
            "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/rounds.json"; sep=","
        # rotate the order of the kinds each round, so none always runs first (or last) in its cell
        shift_by=$(( (round - 1) % ${#kinds[@]} ))
        order=("${kinds[@]:$shift_by}" "${kinds[@]:0:$shift_by}")
        for c in $CONNS; do for w in $WINDOWS; do
            say "round $round/$ROUNDS: C=$c W=$w (load average $(cut -d' ' -f1 /proc/loadavg))"
            for k in "${order[@]}"; do
                if [ "$k" = bx ] || [ "$k" = cx ]; then [ $(( c * w )) -le "$CLOSE_MAX" ] || continue; fi
                run_kind "$k" "r$round" "$c" "$w"
            done
        done; done
    done
    echo ']' >>"$out/rounds.json"
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

machine "$out/machine-end.json"
say "done; tables:"
java $QUIET -cp "$LOAD_CP" org.m2mbridge.bench.ResultsTable "$out" | tee "$out/tables.md"
say "total $(( $(date +%s) - started ))s"
