package org.m2mbridge.bench;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.m2mbridge.core.codec.Serialization;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Command line of {@code bin/m2m-load} (picocli, {@link Flags}); {@link #HELP} documents every flag with its default.
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

    /** The usage text (picocli, from {@link Flags}): every flag the parser accepts, with its default. */
    static final String HELP = commandLine().getUsageMessage(CommandLine.Help.Ansi.OFF);

    /** Thrown for a command line that cannot be used; the message says why in words. */
    static final class UsageException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

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

    /** The flags of {@code bin/m2m-load}, with their help and defaults (picocli). */
    @Command(name = "m2m-load", sortOptions = false, usageHelpWidth = 110,
            description = "Simulated AEs on persistent oneM2M WebSockets (TS-0020), with latency percentiles.",
            footer = {"", "A progress line goes to stderr every second; at the end a summary table (ms) on stderr "
                    + "and the JSON results on stdout (and in --out).",
                    "Exit codes: 0 measured; 1 no connection set up or nothing answered; 2 usage error."})
    static final class Flags {
        @Option(names = "--url", required = true, paramLabel = "URL",
                description = "bridge WebSocket URL, e.g. ws://127.0.0.1:8180/ (required)")
        URI url;
        @Option(names = "--connections", paramLabel = "N", defaultValue = "1",
                description = "AEs, each on its own WebSocket (default ${DEFAULT-VALUE})")
        int connections;
        @Option(names = "--window", paramLabel = "W", defaultValue = "1",
                description = "requests outstanding per connection (default ${DEFAULT-VALUE})")
        int window;
        @Option(names = "--format", paramLabel = "F", defaultValue = "json",
                description = "json | xml | cbor subprotocol (default ${DEFAULT-VALUE})")
        String format;
        @Option(names = "--deflate", description = "offer permessage-deflate (default off)")
        boolean deflate;
        @Option(names = "--warmup", paramLabel = "DUR", defaultValue = "2s",
                description = "warm-up before measuring, e.g. 5s (default ${DEFAULT-VALUE}); then on until two 1 s "
                        + "windows agree within 5 % (at most 30 s more); 0s: none")
        String warmup;
        @Option(names = "--duration", paramLabel = "DUR", defaultValue = "10s",
                description = "measured time, e.g. 10s, 500ms (default ${DEFAULT-VALUE})")
        String duration;
        @Option(names = "--count", paramLabel = "N", defaultValue = "0",
                description = "measure N requests instead of a duration (default: use --duration)")
        long count;
        @Option(names = "--mix", paramLabel = "C,R,D", defaultValue = "60,30,10",
                description = "percent CREATE cin, RETRIEVE, discovery; must add up to 100 (default ${DEFAULT-VALUE})")
        String mix;
        @Option(names = "--cse", paramLabel = "NAME", defaultValue = "cse-in",
                description = "CSEBase resource name to register under (default ${DEFAULT-VALUE})")
        String cse;
        @Option(names = "--subscribe", description = "each AE subscribes to its container and answers the NOTIFYs "
                + "(counted)")
        boolean subscribe;
        @Option(names = "--idle", description = "register, then hold the connections open with no traffic for "
                + "--duration; counts the connections the bridge closes")
        boolean idle;
        @Option(names = "--echo", description = "the peer is a raw echo server: no registration; echoed requests count")
        boolean echo;
        @Option(names = "--pid", paramLabel = "PID", defaultValue = "0",
                description = "measure this process's CPU time (Linux /proc) per message, e.g. the bridge's")
        long pid;
        @Option(names = "--out", paramLabel = "FILE", description = "write the results as JSON")
        Path out;
        @Option(names = "--label", paramLabel = "TEXT", defaultValue = "",
                description = "free text copied into the JSON results")
        String label;
        @Option(names = "--ready-file", paramLabel = "FILE", description = "created once all connections are registered")
        Path readyFile;
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "this text")
        boolean help;
    }

    static CommandLine commandLine() {
        return new CommandLine(new Flags());
    }

    /** Parses {@code args}; a problem is a {@link UsageException} in words ("--window: 'x' is not a number"). */
    static LoadOptions parse(String... args) {
        CommandLine cli = commandLine();
        try {
            cli.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new UsageException(e.getMessage());
        }
        Flags f = cli.getCommand();
        Serialization format = Serialization.fromToken(f.format)
                .orElseThrow(() -> new UsageException("--format: json, xml or cbor, not '" + f.format + "'"));
        String[] p = f.mix.split(",");
        int[] mix = new int[3];
        try {
            for (int i = 0; i < 3 && p.length == 3; i++) {
                mix[i] = Integer.parseInt(p[i].trim());
            }
        } catch (NumberFormatException e) {
            p = new String[0];
        }
        if (p.length != 3 || mix[0] + mix[1] + mix[2] != 100) {
            throw new UsageException("--mix: three percentages adding up to 100, e.g. 60,30,10; not '" + f.mix + "'");
        }
        try {
            return new LoadOptions(f.url, f.connections, f.window, format, f.deflate, duration(f.warmup, "--warmup"),
                    duration(f.duration, "--duration"), f.count, mix[0], mix[1], f.cse, f.subscribe, f.idle, f.echo,
                    f.pid, f.out, f.label, f.readyFile);
        } catch (IllegalArgumentException e) {
            throw e instanceof UsageException u ? u : new UsageException(e.getMessage());
        }
    }

    private static Duration duration(String value, String flag) {
        try {
            return duration(value);
        } catch (RuntimeException e) {
            throw new UsageException(flag + ": a duration like 500ms, 10s or 2m, not '" + value + "'");
        }
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
