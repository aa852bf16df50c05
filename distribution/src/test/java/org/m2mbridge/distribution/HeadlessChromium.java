package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real browser for the status page tests: headless Chromium (Debian package {@code chromium}; .ci/run installs
 * it), which runs the page's script and either prints the DOM it rendered or takes a screenshot. Tests that need it
 * skip themselves, saying why, where it is missing.
 */
final class HeadlessChromium {
    static final Path BINARY = Path.of("/usr/bin/chromium");

    private HeadlessChromium() {
    }

    static void assumeInstalled() {
        Assumptions.assumeTrue(Files.isExecutable(BINARY),
                "skipping browser test: /usr/bin/chromium is not installed (Debian package chromium)");
    }

    /** The DOM after the page's script ran (within a virtual 5 s). */
    static String dumpDom(Path profile, URI url) throws Exception {
        return run(profile, List.of("--dump-dom", url.toString()));
    }

    /** A PNG of the page, {@code width} x {@code height} CSS pixels, written to {@code png}. */
    static void screenshot(Path profile, URI url, Path png, int width, int height) throws Exception {
        Files.createDirectories(png.toAbsolutePath().getParent());
        run(profile, List.of("--window-size=" + width + "," + height, "--hide-scrollbars",
                "--screenshot=" + png.toAbsolutePath(), url.toString()));
        assertTrue(Files.size(png) > 1000, "screenshot written: " + png);
    }

    private static String run(Path profile, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
                "--virtual-time-budget=5000"));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
        CompletableFuture<String> out = new CompletableFuture<>();
        Thread drainOut = new Thread(() -> out.complete(read(p.getInputStream())), "chromium-stdout");
        Thread drainErr = new Thread(() -> read(p.getErrorStream()), "chromium-stderr");
        for (Thread t : List.of(drainOut, drainErr)) {
            t.setDaemon(true);
            t.start();
        }
        try {
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "chromium finished within 90 s");
            return out.get(5, TimeUnit.SECONDS);
        } finally {
            p.destroyForcibly();
        }
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
