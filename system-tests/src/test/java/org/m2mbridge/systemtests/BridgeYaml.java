package org.m2mbridge.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bridge configuration the chaos tests run: every listener on an ephemeral port (0) for the first start; a
 * restarted bridge keeps the HTTP port its predecessor bound ({@link #onHttpPortOf}), because the upstream keeps
 * the poa it was given. One HTTP upstream (the demo CSE), a durable store in {@code dataDir}, and whatever
 * {@code extra} YAML a test adds.
 */
record BridgeYaml(int httpPort, int upstreamPort, Path dataDir, String store, String extra, int slowPort) {

    BridgeYaml(int upstreamPort, Path dataDir) {
        this(0, upstreamPort, dataDir, "", "timeouts: { shutdownGrace: 1s }", 0);
    }

    /**
     * The same configuration on the HTTP port {@code running} bound (read from its {@code listening} line), for a
     * restart: the port was the bridge's own until it stopped, so this is no free-port probe.
     */
    BridgeYaml onHttpPortOf(BridgeProcess running) {
        return new BridgeYaml(running.listener("http").getPort(), upstreamPort, dataDir, store, extra, slowPort);
    }

    /** Extra {@code store:} members, e.g. {@code "holdFor: 0s, sweepInterval: 200ms"}. */
    BridgeYaml withStore(String members) {
        return new BridgeYaml(httpPort, upstreamPort, dataDir, members, extra, slowPort);
    }

    /** Replaces the top-level extra YAML (default {@code timeouts: { shutdownGrace: 1s }}). */
    BridgeYaml withExtra(String yaml) {
        return new BridgeYaml(httpPort, upstreamPort, dataDir, store, yaml, slowPort);
    }

    /** A second upstream, CSE-ID {@code /id-slow}: requests to {@code /id-slow/...} go there (RouteTable). */
    BridgeYaml withSlowUpstream(int port) {
        return new BridgeYaml(httpPort, upstreamPort, dataDir, store, extra, port);
    }

    String text() {
        return """
                listeners:
                  ws:    { host: 127.0.0.1, port: 0 }
                  http:  { host: 127.0.0.1, port: %d }
                  admin: { host: 127.0.0.1, port: 0 }
                upstreams:
                  - name: in-cse
                    binding: http
                    url: http://127.0.0.1:%d
                    cseId: /id-in
                    serialization: json
                %s
                routes:
                  default: in-cse
                store: { durable: true, dataDir: "%s"%s }
                %s
                """.formatted(httpPort, upstreamPort, slowUpstream(), dataDir, store.isEmpty() ? "" : ", " + store, extra);
    }

    private String slowUpstream() {
        return slowPort == 0 ? "" : "  - { name: slow, binding: http, url: \"http://127.0.0.1:" + slowPort
                + "\", cseId: /id-slow, serialization: json, timeout: 10s }";
    }

    Path writeTo(Path file) {
        try {
            return Files.writeString(file, text());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
