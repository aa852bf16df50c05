package org.m2mbridge.core.bus;

import java.util.Collection;
import java.util.Optional;

/**
 * Which entities are registered through the bridge and which {@link Link} each is bound to now (TS-0020 7.4: the
 * registration outlives the connection; newest connection wins). An interface so that a shared implementation
 * (several bridge nodes) can replace the in-memory one: every operation that must be atomic across nodes is one
 * method here, and callers never read-then-write.
 */
public interface EntityDirectory {

    /** How a registered entity that re-identifies itself on a link is bound there. */
    enum Reidentify {
        /** Newest wins: taken from whatever link it was bound to (a device that reconnected). */
        TAKE_OVER,
        /** Only when bound nowhere (a hint, or a binding that cannot prove a live connection). */
        IF_UNBOUND
    }

    /** A change of binding: {@code previous} is the link the entity was bound to before (null: none). */
    record Rebound(boolean changed, Link previous) {
        static final Rebound UNCHANGED = new Rebound(false, null);
    }

    Optional<Registration> registration(String entityId);

    Optional<Registration> byToken(String token);

    Collection<Registration> registrations();

    int registrationCount();

    /** Adds {@code registration}, replacing an earlier incarnation; true when the entity was registered before. */
    boolean register(Registration registration);

    /** Replaces the registration if {@code registration}'s incarnation is still the current one. */
    boolean updateIfCurrent(Registration registration);

    /**
     * Ends {@code registration} if its incarnation is still the current one, and unbinds the entity.
     * Empty when it was already ended or replaced; else the link the entity was bound to (empty inner: none).
     */
    Optional<Optional<Link>> endIfCurrent(Registration registration);

    /**
     * Binds {@code entityId} to {@code link} as {@code mode} says. Unchanged when it is bound to {@code link}
     * already, or ({@link Reidentify#IF_UNBOUND}) to another link.
     */
    Rebound bind(String entityId, Link link, Reidentify mode);

    /** Unbinds {@code entityId} if it is bound to {@code link}; true when it was. */
    boolean unbind(String entityId, Link link);

    Optional<Link> boundLink(String entityId);

    int boundCount();
}
