package org.m2mbridge.core.metrics;

/** The {@code result} label of {@code m2mbridge_config_reloads_total}: whether a configuration reload was applied. */
public enum ReloadResult implements LabelValue {
    /** Read, validated and applied (keys that need a restart are reported, not a failure). */
    SUCCESS,
    /** Refused: the file did not parse or validate, or a key store could not be read; the running one is kept. */
    FAILURE;

    @Override
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
