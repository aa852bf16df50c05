package org.m2mbridge.distribution;

import ch.qos.logback.classic.LoggerContext;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.m2mbridge.core.Binding;
import org.m2mbridge.core.FailureWords;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ConfigException;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.config.InstalledBindings;
import org.m2mbridge.core.config.InstanceLayout;
import org.m2mbridge.core.config.Preflight;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * {@code bin/m2m-bridge} ({@link BridgeCli} has the commands and their help). Exit codes: 0 stopped normally (also
 * after SIGTERM), configuration valid, store command done; 1 could not start (port taken, store locked, binding
 * failed); 2 configuration or usage error. A failure is one line on stderr and one in the log; its stack trace is
 * logged at DEBUG only. Everything except the process exit lives in {@link #launch}, so tests run the same code.
 */
public final class Main {
    public static final int OK = 0;
    public static final int START_FAILED = 1;
    public static final int CONFIG_ERROR = 2;
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    /** How long a SIGTERM during the start waits for it to finish before the JVM exits without a graceful stop. */
    private static final long START_WAIT_SECONDS = 60;
    /**
     * On a log line that Main has printed on stderr itself: config/logback.xml keeps it off the console appender
     * (which also writes to stderr), so the operator reads it once there and once in the log file.
     */
    static final Marker ON_STDERR = MarkerFactory.getMarker("ON_STDERR");

    /** What {@link #launch} did: an exit code, or a bridge that is now running (exit code when it stops: 0). */
    public record Launch(int exitCode, RunningBridge running) {
    }

    private Main() {
    }

    public static void main(String[] args) {
        installJulBridge();
        UncaughtErrors.install();
        // The hook is in place before the listening lines are printed: a SIGTERM right after them is a graceful stop
        // with exit 0, not the JVM's default 143. Without a running bridge it leaves System.exit's code alone.
        CompletableFuture<RunningBridge> running = new CompletableFuture<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(running), "shutdown"));
        Launch launch = null;
        try {
            launch = launch(args, System.getenv(), System.out, System.err);
        } finally {
            running.complete(launch == null ? null : launch.running());
        }
        if (launch.running() == null) {
            stopLogging();
            System.exit(launch.exitCode());
        }
        HangupSignal.install(launch.running().bridge());
        try {
            new CountDownLatch(1).await(); // until the shutdown hook halts the JVM
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The shutdown hook: stops the running bridge, if any, and exits 0 (1 when it did not stop cleanly). */
    private static void stop(CompletableFuture<RunningBridge> running) {
        RunningBridge bridge;
        try {
            bridge = running.get(START_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            return;
        }
        if (bridge == null) {
            return;
        }
        int code = OK;
        try {
            bridge.close();
        } catch (RuntimeException e) {
            LOG.error("shutdown did not complete cleanly: {}", FailureWords.describe(e));
            LOG.debug("shutdown failure", e);
            code = START_FAILED;
        } finally {
            System.out.flush();
            stopLogging(); // flush the file appender: halt() below skips every other hook
        }
        // SIGTERM is the normal way to stop the bridge, so it exits 0 rather than the JVM's 143.
        Runtime.getRuntime().halt(code);
    }

    /** Parses the command line and does what it asks; starts the bridge for {@code run}. */
    public static Launch launch(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        InstanceLayout layout = InstanceLayout.of(env);
        BridgeCli.Invocation cli;
        try {
            cli = BridgeCli.parse(args, out);
        } catch (BridgeCli.UsageException e) {
            err.println("m2m-bridge: " + e.getMessage());
            err.print(BridgeCli.usage());
            return new Launch(CONFIG_ERROR, null);
        }
        switch (cli.action()) {
            case PRINTED -> {
                out.flush();
                return new Launch(OK, null);
            }
            case SCRIPT_ONLY -> {
                err.println("m2m-bridge: '" + cli.name() + "' is a command of the bin/m2m-bridge script, which runs "
                        + "the JVM in the background and keeps the pid file; run it through the script");
                return new Launch(CONFIG_ERROR, null);
            }
            default -> { }
        }
        Path file = cli.config() != null ? cli.config() : layout.defaultConfigFile();
        try {
            // The installed bindings first: their jars bring the keys the file may use besides core's own.
            List<Binding> bindings = BindingDiscovery.discover(Main.class.getClassLoader());
            BridgeConfig config = ConfigLoader.load(file, InstalledBindings.of(bindings));
            switch (cli.action()) {
                case STORE_REGISTRATIONS, STORE_QUEUES, STORE_REMOVE, STORE_PURGE -> {
                    return new Launch(StoreCommands.run(cli, config, layout, out, err), null);
                }
                default -> { }
            }
            boolean demo = cli.demo() || config.demo().enabled();
            if (demo) { // the demo's AEs never reach the production store (docs/operations.md)
                config = config.withStore(config.store().withDurable(false));
            }
            for (String warning : verify(config, layout, bindings)) {
                err.println("m2m-bridge: warning: " + warning);
                LOG.warn(ON_STDERR, warning);
            }
            if (cli.action() == BridgeCli.Action.CHECK_CONFIG) {
                out.println("m2m-bridge: configuration OK: " + file);
                return new Launch(OK, null);
            }
            RunningBridge running = RunningBridge.start(config, demo, out, bindings, layout);
            if (!demo) { // the demo rewrites the file's upstreams and store: a reload of the file would undo that
                running.bridge().enableReload(file, layout);
            }
            return new Launch(OK, running);
        } catch (ConfigException e) {
            return failed(err, CONFIG_ERROR, "configuration error: " + e.getMessage(), e);
        } catch (StartupFailure e) {
            return failed(err, START_FAILED, "cannot start: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            return failed(err, START_FAILED, "cannot start: " + FailureWords.describe(e), e);
        }
    }

    /**
     * The one check that {@code check-config} and every start run (docs/operations.md): installed bindings for every
     * upstream, then {@link Preflight} (key stores, host names, data directories). Returns the warnings.
     */
    static List<String> verify(BridgeConfig config, InstanceLayout layout, List<Binding> bindings) {
        BindingDiscovery.requireBindingsFor(config, bindings);
        return Preflight.check(config, layout);
    }

    private static Launch failed(PrintStream err, int code, String line, RuntimeException e) {
        err.println("m2m-bridge: " + line);
        LOG.error(ON_STDERR, line);
        LOG.debug("details of the failure above", e);
        return new Launch(code, null);
    }

    private static void stopLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
            logback.stop();
        }
    }

    /** Paho and the JDK log through java.util.logging; route it to SLF4J (docs/libraries.md PAHO-5). */
    static void installJulBridge() {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
    }
}
