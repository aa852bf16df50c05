package org.m2mbridge.distribution;

import java.nio.file.Path;
import java.util.Map;

/**
 * The parsed command line of {@code bin/m2m-bridge}.
 *
 * @param config      configuration file to load
 * @param checkConfig only validate the configuration and exit (0 valid, 2 invalid)
 * @param demo        force demo mode on, whatever {@code demo.enabled} says
 */
public record CommandLine(Path config, boolean checkConfig, boolean demo) {

    static final String USAGE = "usage: m2m-bridge [--config FILE] [--check-config] [--demo]";

    /** Thrown for an argument we do not understand; the message is for the operator. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /**
     * Parses {@code args}. Without {@code --config}, the file is {@code config/bridge.yaml} under
     * {@code M2MBRIDGE_HOME} (set by {@code bin/m2m-bridge}) or else under the working directory.
     */
    static CommandLine parse(String[] args, Map<String, String> env) {
        Path config = null;
        boolean check = false;
        boolean demo = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--config" -> {
                    if (i + 1 >= args.length) {
                        throw new UsageException("--config needs a file name");
                    }
                    config = Path.of(args[++i]);
                }
                case "--check-config" -> check = true;
                case "--demo" -> demo = true;
                default -> {
                    if (a.startsWith("--config=")) {
                        config = Path.of(a.substring("--config=".length()));
                    } else {
                        throw new UsageException("unknown argument '" + a + "'");
                    }
                }
            }
        }
        if (config == null) {
            String home = env.get("M2MBRIDGE_HOME");
            Path base = home == null || home.isBlank() ? Path.of("") : Path.of(home);
            config = base.resolve("config").resolve("bridge.yaml");
        }
        return new CommandLine(config, check, demo);
    }
}
