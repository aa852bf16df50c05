# Shell functions shared by bench/run.sh and bench/acme.sh (sourced, not run). Expects $root (the repository) and
# $out (the results directory) to be set; sets the class paths and the cleanup trap.

# One class path for everything: the unpacked tarball's lib/ (the bridge, the load tool and the bench peers), so
# the bridge measured is the one operators run.
LOAD_CP="$root/distribution/target/m2m-bridge/lib/*"
BRIDGE_CP=$LOAD_CP
# lib/ has logback (for the bridge): every other JVM here logs warnings only (unconfigured logback logs DEBUG)
QUIET="-Dlogback.configurationFile=$root/config/m2m-load-logback.xml"
ls "$root"/distribution/target/m2m-bridge/lib/bench-*.jar >/dev/null 2>&1 \
    || { echo "build first: ./mvnw -B package -pl distribution -am -DskipTests" >&2; exit 1; }
WARMUP=${WARMUP:-3s}
MEASURE=${MEASURE:-5s}
started=$(date +%s)
pids=()

cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT

say() { echo "== $(( $(date +%s) - started ))s: $*" >&2; }

# machine FILE: cores, CPU model, kernel, Java, commit, load average and the /proc/stat CPU counters now
machine() {
    local stat model
    stat=$(awk '/^cpu / { printf "%s,%s,%s,%s,%s,%s,%s,%s", $2, $3, $4, $5, $6, $7, $8, $9 }' /proc/stat)
    model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
    printf '{"time":"%s","epoch":%d,"cores":%d,"model":"%s","kernel":"%s","java":"%s","commit":"%s","loadavg":"%s","stat":[%s]}\n' \
        "$(date -u +%FT%TZ)" "$(date +%s)" "$(nproc)" "${model//\"/}" "$(uname -r)" \
        "$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p')" \
        "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet HEAD 2>/dev/null || echo +changes)" \
        "$(cut -d' ' -f1-3 /proc/loadavg)" "$stat" >"$1"
}

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

# load FILE ARGS...: one load-tool run writing FILE (relative to $out)
load() {
    local file=$1; shift
    java $QUIET -Xmx1g -XX:+UseG1GC -cp "$LOAD_CP" org.m2mbridge.bench.LoadTool --warmup "$WARMUP" --duration "$MEASURE" \
        --out "$out/$file" "$@" >/dev/null 2>"$out/${file%.json}.progress" || echo "  (run $file failed, see ${file%.json}.progress)" >&2
}

# direct FILE URL ARGS...: one HttpDirect run (b, b') writing FILE
direct() {
    local file=$1 url=$2; shift 2
    java $QUIET -Xmx512m -XX:+UseG1GC -cp "$LOAD_CP" org.m2mbridge.bench.HttpDirect --url "$url" --warmup "$WARMUP" \
        --duration "$MEASURE" --out "$out/$file" "$@" >/dev/null 2>"$out/${file%.json}.progress" \
        || echo "  (run $file failed, see ${file%.json}.progress)" >&2
}

# bridge_config UPSTREAM-YAML: the benchmark bridge's configuration with one upstream named in UPSTREAM-YAML
bridge_config() {
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

# start_bridge NAME UPSTREAM-YAML: a bridge in its own JVM (its CPU is measured); pid in $last_pid, WS URL in $last_ws
start_bridge() {
    bridge_config "$2" >"$out/$1.yaml"
    mkdir -p "$out/home-$1/logs"
    M2MBRIDGE_HOME=$out/home-$1 start "$1" "-Xmx2g -Xss256k -XX:+ExitOnOutOfMemoryError -Dlogback.configurationFile=$root/config/logback.xml" \
        -cp "$BRIDGE_CP" org.m2mbridge.distribution.Main --config "$out/$1.yaml"
    wait_for "$out/$1.log" "listening ws=" 90
    last_ws=$(sed -n 's/^listening ws=//p' "$out/$1.log" | head -n 1)
}
