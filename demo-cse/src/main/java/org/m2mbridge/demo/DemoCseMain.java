package org.m2mbridge.demo;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;

/**
 * Command line for running the {@link DemoCse} on its own (TEST/DEMO peer, not a product feature), e.g. as the
 * upstream of a demo bridge: {@code DemoCseMain [--host 127.0.0.1] [--http-port 8080] [--mqtt tcp://host:1883]}.
 * Prints where it listens, then runs until the JVM is stopped.
 */
public final class DemoCseMain {
    private DemoCseMain() {
    }

    /**
     * @param host     HTTP bind address (default {@code 127.0.0.1})
     * @param httpPort HTTP port (default 8080; 0 = ephemeral)
     * @param mqtt     broker URI to attach the MQTT front to (default: none)
     */
    record Arguments(String host, int httpPort, Optional<String> mqtt) {
        static Arguments parse(String... args) {
            String host = "127.0.0.1";
            int port = 8080;
            String mqtt = null;
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--host" -> host = require(args[i], value);
                    case "--http-port" -> port = Integer.parseInt(require(args[i], value));
                    case "--mqtt" -> mqtt = require(args[i], value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + " (known: --host, --http-port, --mqtt)");
                }
                i++;
            }
            return new Arguments(host, port, Optional.ofNullable(mqtt));
        }

        private static String require(String option, String value) {
            if (value == null) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return value;
        }
    }

    public static void main(String[] args) throws Exception {
        Arguments a;
        try {
            a = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("demo-cse: " + e.getMessage());
            System.exit(2);
            return;
        }
        Codecs codecs = new Codecs(CodecLimits.DEFAULT);
        DemoCse cse = new DemoCse();
        DemoCseHttpServer http = DemoCseHttpServer.start(cse, codecs, a.host(), a.httpPort());
        DemoCseMqttClient mqtt = a.mqtt().isPresent()
                ? DemoCseMqttClient.start(cse, codecs, a.mqtt().get(), Duration.ofSeconds(10)) : null;
        System.out.println("demo-cse: TEST/DEMO CSE " + cse.settings().cseId() + " (CSEBase "
                + cse.settings().cseName() + ") on http://" + a.host() + ":" + http.port()
                + a.mqtt().map(m -> " and MQTT " + m).orElse(""));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (mqtt != null) {
                mqtt.close();
            }
            http.close();
            cse.close();
            stopped.countDown();
        }, "demo-cse-shutdown"));
        stopped.await();
    }
}
