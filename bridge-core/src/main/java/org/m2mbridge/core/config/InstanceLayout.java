package org.m2mbridge.core.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where one bridge instance keeps what: the installation ({@code M2MBRIDGE_HOME}: bin/, lib/, read-only, one directory
 * per version), its configuration, its data (the durable store) and its logs. Each of the last three can live outside
 * the installation so that an upgrade only swaps the installation (docs/operations.md); unset, they are
 * {@code config/}, {@code data/} and {@code logs/} under the installation, which is how the unpacked tarball runs.
 *
 * @param home      {@code M2MBRIDGE_HOME}, else the working directory
 * @param configDir {@code M2MBRIDGE_CONFIG_DIR}, else {@code <home>/config}
 * @param dataDir   {@code M2MBRIDGE_DATA_DIR}, else {@code <home>/data}
 * @param logDir    {@code M2MBRIDGE_LOG_DIR}, else {@code <home>/logs}
 */
public record InstanceLayout(Path home, Path configDir, Path dataDir, Path logDir) {
    public static final String HOME = "M2MBRIDGE_HOME";
    public static final String CONFIG_DIR = "M2MBRIDGE_CONFIG_DIR";
    public static final String DATA_DIR = "M2MBRIDGE_DATA_DIR";
    public static final String LOG_DIR = "M2MBRIDGE_LOG_DIR";
    /** The configuration file read when no {@code --config} is given, in {@link #configDir}. */
    public static final String CONFIG_FILE = "bridge.yaml";

    /** The layout the environment describes (the launcher exports {@code M2MBRIDGE_HOME}). */
    public static InstanceLayout of(Map<String, String> env) {
        Path home = dir(env, HOME, Path.of(""));
        return new InstanceLayout(home, dir(env, CONFIG_DIR, home.resolve("config")),
                dir(env, DATA_DIR, home.resolve("data")), dir(env, LOG_DIR, home.resolve("logs")));
    }

    /** The layout of this process. */
    public static InstanceLayout current() {
        return of(System.getenv());
    }

    /** {@code <configDir>/bridge.yaml}. */
    public Path defaultConfigFile() {
        return configDir.resolve(CONFIG_FILE);
    }

    /**
     * The directory of the durable store: {@code store.dataDir} when set (relative to {@link #home}, as before the
     * data directory could be moved), else {@link #dataDir}.
     */
    public Path storeDirectory(StoreSettings store) {
        return (store.dataDir() == null ? dataDir : home.resolve(store.dataDir())).toAbsolutePath().normalize();
    }

    private static Path dir(Map<String, String> env, String name, Path otherwise) {
        String value = env.get(name);
        return value == null || value.isBlank() ? otherwise : Path.of(value);
    }
}
