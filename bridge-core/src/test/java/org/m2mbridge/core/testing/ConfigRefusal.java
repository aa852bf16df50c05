package org.m2mbridge.core.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.m2mbridge.core.config.ConfigException;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.config.InstalledBindings;

/** What the strict loader says when it refuses a file, for tests of a section's messages (core's or a binding's). */
public final class ConfigRefusal {

    private ConfigRefusal() {
    }

    /** The message of the {@link ConfigException} reading {@code yaml} throws; fails when it loads. */
    public static String of(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml)).getMessage();
    }

    /** As {@link #of(String)}, read with {@code installed}. */
    public static String of(String yaml, InstalledBindings installed) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, installed)).getMessage();
    }

    /** Reading {@code yaml} is refused with a message containing {@code expected}; fails naming the message else. */
    public static void says(String yaml, String expected) {
        String m = of(yaml);
        assertTrue(m.contains(expected), "expected '" + expected + "' in: " + m);
    }
}
