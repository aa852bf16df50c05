package org.m2mbridge.distribution;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's last word on a throwable no thread caught: it is logged (the JVM's default only prints it to
 * stderr), and an {@link OutOfMemoryError} ends the process with status 3, as {@code -XX:+ExitOnOutOfMemoryError}
 * does for the ones the JVM throws itself (bin/m2m-bridge, "OOM"). This catches those thrown by Java code, e.g.
 * "Cannot reserve ... bytes of direct buffer memory", which that flag does not see: after one the bridge's state
 * is unknown, so systemd should restart it. {@link Runtime#halt} skips the shutdown hook, whose graceful close
 * could itself need memory and hang; the store loses nothing that was acknowledged (docs/reliability.md, "Storage
 * engine"). Logback's file appender writes each line through before {@code error()} returns (immediateFlush).
 */
final class UncaughtErrors implements Thread.UncaughtExceptionHandler {
    static final int OUT_OF_MEMORY_EXIT = 3;
    private static final Logger LOG = LoggerFactory.getLogger(UncaughtErrors.class);

    private final Runnable exit;

    UncaughtErrors(Runnable exit) {
        this.exit = exit;
    }

    static void install() {
        Thread.setDefaultUncaughtExceptionHandler(
                new UncaughtErrors(() -> Runtime.getRuntime().halt(OUT_OF_MEMORY_EXIT)));
    }

    @Override
    public void uncaughtException(Thread thread, Throwable error) {
        boolean fatal = error instanceof OutOfMemoryError;
        try {
            LOG.error(fatal ? "out of memory in thread {}: exiting with status 3 to be restarted"
                    : "uncaught in thread {}", thread.getName(), error);
        } catch (Throwable logging) { // short of memory even for that: stderr, which needs none to speak of
            System.err.println("m2m-bridge: uncaught in " + thread.getName() + ": " + error);
        } finally {
            if (fatal) {
                exit.run();
            }
        }
    }
}
