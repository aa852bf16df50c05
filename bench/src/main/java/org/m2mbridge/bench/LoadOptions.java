package org.m2mbridge.bench;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.m2mbridge.core.codec.Serialization;

/**
 * Command line of {@code bin/m2m-load}; {@link #HELP} documents every flag with its default.
 *
 * @param url          WebSocket URL of the bridge (or of the raw echo server with {@code echo})
 * @param connections  AEs, one persistent WebSocket each
 * @param window       requests outstanding per connection
 * @param format       subprotocol oneM2M.R2.0.json|xml|cbor
 * @param deflate      offer permessage-deflate (RFC 7692)
 * @param warmup       time before measuring
 * @param duration     measured time (ignored when {@code count} &gt; 0)
 * @param count        total requests to measure (0 = run for {@code duration})
 * @param createPct    share of CREATE contentInstance in the mix, percent
 * @param retrievePct  share of RETRIEVE of the container; the rest is discovery (fu=1)
 * @param cse          CSEBase resource name the AEs register with
 * @param subscribe    each AE subscribes to its own container, so every CREATE cin brings a NOTIFY down its socket
 * @param idle         register, then hold the connections open without traffic for {@code duration}
 * @param echo         the peer is a raw echo server: no registration, an echoed request counts as answered
 * @param pid          process whose CPU time is measured over the measured interval (0 = none)
 * @param out          JSON results file (null = none)
 * @param label        free text copied into the results
 * @param readyFile    touched once every connection is registered (for scripts that measure the idle bridge)
 */
record LoadOptions(URI url, int connections, int window, Serialization format, boolean deflate, Duration warmup,
                   Duration duration, long count, int createPct, int retrievePct, String cse, boolean subscribe,
                   boolean idle, boolean echo, long pid, Path out, String label, Path readyFile) {

    static final String HELP = """
            m2m-load: simulated AEs on persistent oneM2M WebSockets (TS-0020), with latency percentiles.
            Usage: m2m-load --url ws://127.0.0.1:8180/ [options]
              --url URL             bridge WebSocket URL (required)
              --connections N       AEs, each on its own WebSocket (default 1)
              --window W            requests outstanding per connection (default 1)
              --format F            json | xml | cbor subprotocol (default json)
              --deflate             offer permessage-deflate (default off)
              --warmup DUR          warm-up before measuring, e.g. 5s (default 2s); then on until two 1 s windows
                                    agree within 5 % (at most 30 s more); 0s: none
              --duration DUR        measured time, e.g. 10s, 500ms (default 10s)
              --count N             measure N requests instead of a duration (default: use --duration)
              --mix C,R,D           percent CREATE cin, RETRIEVE, discovery; must add up to 100 (default 60,30,10)
              --cse NAME            CSEBase resource name to register under (default cse-in)
              --subscribe           each AE subscribes to its container and answers the NOTIFYs (counted)
              --idle                register, then hold the connections open with no traffic for --duration
              --echo                the peer is a raw echo server: no registration; echoed requests count
              --pid PID             measure this process's CPU time (Linux /proc) per message, e.g. the bridge's
              --out FILE            write the results as JSON
              --label TEXT          free text copied into the JSON results
              --ready-file FILE     created once all connections are registered
              --help                this text
            A progress line goes to stderr every second; the summary to stdout.
            """;

    LoadOptions {
        if (url == null) {
            throw new IllegalArgumentException("--url is required");
        }
        if (connections < 1 || window < 1) {
            throw new IllegalArgumentException("--connections and --window must be at least 1");
        }
        if (createPct < 0 || retrievePct < 0 || createPct + retrievePct > 100) {
            throw new IllegalArgumentException("--mix percentages must be >= 0 and add up to 100");
        }
    }

    int discoveryPct() {
        return 100 - createPct - retrievePct;
    }

    static LoadOptions parse(String... args) {
        Deque<String> a = new ArrayDeque<>(List.of(args));
        URI url = null;
        int connections = 1;
        int window = 1;
        Serialization format = Serialization.JSON;
        boolean deflate = false;
        Duration warmup = Duration.ofSeconds(2);
        Duration duration = Duration.ofSeconds(10);
        long count = 0;
        int create = 60;
        int retrieve = 30;
        String cse = "cse-in";
        boolean subscribe = false;
        boolean idle = false;
        boolean echo = false;
        long pid = 0;
        Path out = null;
        String label = "";
        Path ready = null;
        while (!a.isEmpty()) {
            String flag = a.pop();
            switch (flag) {
                case "--url" -> url = URI.create(value(a, flag));
                case "--connections" -> connections = Integer.parseInt(value(a, flag));
                case "--window" -> window = Integer.parseInt(value(a, flag));
                case "--format" -> format = Serialization.fromToken(value(a, flag))
                        .orElseThrow(() -> new IllegalArgumentException("--format: json, xml or cbor"));
                case "--deflate" -> deflate = true;
                case "--warmup" -> warmup = duration(value(a, flag));
                case "--duration" -> duration = duration(value(a, flag));
                case "--count" -> count = Long.parseLong(value(a, flag));
                case "--mix" -> {
                    String[] p = value(a, flag).split(",");
                    if (p.length != 3 || Integer.parseInt(p[0].trim()) + Integer.parseInt(p[1].trim())
                            + Integer.parseInt(p[2].trim()) != 100) {
                        throw new IllegalArgumentException("--mix: three percentages adding up to 100, e.g. 60,30,10");
                    }
                    create = Integer.parseInt(p[0].trim());
                    retrieve = Integer.parseInt(p[1].trim());
                }
                case "--cse" -> cse = value(a, flag);
                case "--subscribe" -> subscribe = true;
                case "--idle" -> idle = true;
                case "--echo" -> echo = true;
                case "--pid" -> pid = Long.parseLong(value(a, flag));
                case "--out" -> out = Path.of(value(a, flag));
                case "--label" -> label = value(a, flag);
                case "--ready-file" -> ready = Path.of(value(a, flag));
                default -> throw new IllegalArgumentException("unknown option " + flag + " (see --help)");
            }
        }
        return new LoadOptions(url, connections, window, format, deflate, warmup, duration, count, create, retrieve,
                cse, subscribe, idle, echo, pid, out, label, ready);
    }

    private static String value(Deque<String> a, String flag) {
        if (a.isEmpty()) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return a.pop();
    }

    /** 500ms, 10s, 2m. */
    static Duration duration(String s) {
        String t = s.trim();
        if (t.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            default -> throw new IllegalArgumentException("duration like 500ms, 10s or 2m: " + s);
        };
    }
}
