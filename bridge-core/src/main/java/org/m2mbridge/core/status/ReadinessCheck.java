package org.m2mbridge.core.status;

import java.time.Instant;
import java.util.Objects;

/**
 * One named check behind {@code /health/ready}: a binding's listeners, an upstream's reachability, a limit that
 * sheds load. The bridge is ready when every {@code required} check is; the others are reported with their reason
 * but leave readiness alone (an upstream, unless {@code admin.readinessIncludesUpstreams}).
 *
 * @param kind     what is checked: {@code binding}, {@code upstream}, {@code limit}, ...
 * @param name     which one: the binding or upstream name
 * @param ready    whether it is fine now
 * @param required whether it being not ready makes the bridge not ready
 * @param reason   why it is (not) ready, in words; may be null when ready
 * @param since    when it last changed, or null when not known
 */
public record ReadinessCheck(String kind, String name, boolean ready, boolean required, String reason,
                             Instant since) {
    public ReadinessCheck {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
    }

    /** A required check that passes. */
    public static ReadinessCheck ready(String kind, String name) {
        return new ReadinessCheck(kind, name, true, true, null, null);
    }

    /** A required check that fails because of {@code reason}, since {@code since} (null if not known). */
    public static ReadinessCheck notReady(String kind, String name, String reason, Instant since) {
        return new ReadinessCheck(kind, name, false, true, reason, since);
    }

    /** Whether this check keeps the bridge from being ready. */
    public boolean blocks() {
        return required && !ready;
    }
}
