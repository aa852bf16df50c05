package org.m2mbridge.distribution;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The release this jar was built as (Maven filters {@code build.properties}), for build_info and the status API. */
final class BuildInfo {
    static final String VERSION = load();

    private BuildInfo() {
    }

    /** {@code --version}: the release, and the Java it runs on. */
    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"m2m-bridge " + VERSION, "Java " + System.getProperty("java.version") + " ("
                    + System.getProperty("java.vm.name") + ")"};
        }
    }

    private static String load() {
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.contains("${") ? "unknown" : v; // run from an unfiltered source tree (IDE)
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
