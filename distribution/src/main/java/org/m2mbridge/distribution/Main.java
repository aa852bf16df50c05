package org.m2mbridge.distribution;

import ch.qos.logback.classic.LoggerContext;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ConfigException;
import org.m2mbridge.core.config.ConfigLoader;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * {@code bin/m2m-bridge}: {@code [--config FILE] [--check-config] [--demo]}. Exit codes: 0 stopped normally (also
 * after SIGTERM) or configuration valid, 1 could not start (port taken, binding failed), 2 configuration or usage
 * error. Everything except the process exit lives in {@link #launch}, so tests run the same code path.
 */
public final class Main {
    public static final int OK = 0;
    public static final int START_FAILED = 1;
    public static final int CONFIG_ERROR = 2;

    /** What {@link #launch} did: an exit code, or a bridge that is now running (exit code when it stops: 0). */
    public record Launch(int exitCode, RunningBridge running) {
    }

    private Main() {
    }

    public static void main(String[] args) {
        installJulBridge();
        UncaughtErrors.install();
        Launch launch = launch(args, System.getenv(), System.out, System.err);
        if (launch.running() == null) {
            System.exit(launch.exitCode());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            int code = OK;
            try {
                launch.running().close();
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(Main.class).error("shutdown did not complete cleanly", e);
                code = START_FAILED;
            } finally {
                stopped.countDown();
                System.out.flush();
                if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
                    logback.stop(); // flush the file appender: halt() below skips every other hook
                }
            }
            // SIGTERM is the normal way to stop the bridge, so it exits 0 rather than the JVM's 143.
            Runtime.getRuntime().halt(code);
        }, "shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Parses, loads and validates the configuration, and starts the bridge unless {@code --check-config}. */
    public static Launch launch(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        CommandLine cli;
        try {
            cli = CommandLine.parse(args, env);
        } catch (CommandLine.UsageException e) {
            err.println("m2m-bridge: " + e.getMessage());
            err.println(CommandLine.USAGE);
            return new Launch(CONFIG_ERROR, null);
        }
        try {
            BridgeConfig config = ConfigLoader.load(cli.config());
            if (cli.checkConfig()) {
                BindingDiscovery.requireBindingsFor(config, BindingDiscovery.discover(Main.class.getClassLoader()));
                out.println("m2m-bridge: configuration OK: " + cli.config());
                return new Launch(OK, null);
            }
            return new Launch(OK, RunningBridge.start(config, cli.demo() || config.demo().enabled(), out));
        } catch (ConfigException e) {
            err.println("m2m-bridge: configuration error: " + e.getMessage());
            return new Launch(CONFIG_ERROR, null);
        } catch (StartupFailure e) {
            err.println("m2m-bridge: cannot start: " + e.getMessage());
            LoggerFactory.getLogger(Main.class).error("cannot start", e);
            return new Launch(START_FAILED, null);
        }
    }

    /** Paho and the JDK log through java.util.logging; route it to SLF4J (stack-notes 1.8). */
    static void installJulBridge() {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
    }
}
