package org.m2mbridge.core.config;

/**
 * What some listeners of one binding take from the file-descriptor budget ({@code limits.FileDescriptorBudget},
 * docs/security.md "File descriptors"), as {@link BindingConfiguration#listenerShares} declares it: a bounded share,
 * at most {@code 1/divisor} of the usable descriptors for them together, each capped further by its own configured
 * limits; or the rest (the device listeners), split evenly between every listener taking the rest.
 *
 * @param name      what the start-up summary and {@code FileDescriptorBudget.share} call these listeners
 *                  ({@code http/deviceHttp}, {@code ws})
 * @param listeners how many of them are configured
 * @param limits    each one's configured limits; null for the rest
 * @param divisor   a bounded share's fraction of the usable descriptors ({@code 1/divisor}); 0 for the rest
 * @param lowered   the warning's words when the limit lowers them: a format of the lowered and the configured
 *                  connections ({@code each HTTP listener at %d connections (http.maxConnections %d)})
 */
public record ListenerShare(String name, int listeners, ListenerLimits limits, int divisor, String lowered) {

    /** At most {@code 1/divisor} of the usable descriptors, each listener capped further by {@code limits}. */
    public static ListenerShare bounded(String name, int listeners, ListenerLimits limits, int divisor,
                                        String lowered) {
        if (limits == null || divisor <= 0) {
            throw new IllegalArgumentException("a bounded share needs limits and a positive divisor: " + name);
        }
        return new ListenerShare(name, listeners, limits, divisor, lowered);
    }

    /** What the bounded shares and the admin listener leave; the configured {@code limits.maxConnections} is its cap. */
    public static ListenerShare rest(String name, int listeners, String lowered) {
        return new ListenerShare(name, listeners, null, 0, lowered);
    }

    /** Takes the rest rather than a bounded share. */
    public boolean isRest() {
        return limits == null;
    }
}
