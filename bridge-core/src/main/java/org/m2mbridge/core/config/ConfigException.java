package org.m2mbridge.core.config;

/** A configuration problem, with a message that names the key and what is wrong with it. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Throws unless {@code ok}: {@code key: problem}. */
    public static void require(boolean ok, String key, String problem) {
        if (!ok) {
            throw new ConfigException(key + ": " + problem);
        }
    }
}
