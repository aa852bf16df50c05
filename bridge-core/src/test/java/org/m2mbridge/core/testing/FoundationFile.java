package org.m2mbridge.core.testing;

/**
 * The minimal {@code bridge.yaml} of the foundation issue, verbatim: operators and scripts write exactly this. Its
 * {@code listeners.http} line is the HTTP binding's key: core's own tests read it without that line.
 */
public final class FoundationFile {
    public static final String MINIMAL = """
            listeners:
              ws:    { host: 127.0.0.1, port: 8180 }   # devices connect here (TS-0020)
              http:  { host: 127.0.0.1, port: 8280 }   # upstream CSEs send notifications here (TS-0009)
              admin: { host: 127.0.0.1, port: 9180 }   # /metrics, /health, status
            upstreams:
              - name: in-cse
                binding: http                          # http | mqtt (| ws later)
                url: http://127.0.0.1:8080             # for mqtt: broker: tcp://127.0.0.1:1883
                cseId: /id-in
                spId: //acme.example.com
                serialization: json                    # json | xml | cbor
            routes:
              default: in-cse
            """;

    /** {@link #MINIMAL} without the HTTP binding's listener, for a test where that binding is not installed. */
    public static final String WITHOUT_HTTP_LISTENER = MINIMAL.replaceFirst("(?m)^  http: .*\n", "");

    private FoundationFile() {
    }
}
