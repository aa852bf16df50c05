package org.m2mbridge.core.bus;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registration bookkeeping: what follows when an entity registers, re-identifies on a link, is unbound, or its
 * registration ends (TS-0020 7.4: the registration outlives the connection; newest connection wins). The
 * {@link EntityDirectory} makes each change atomically; this tells the others: the links it moves between, the
 * upstream it registered through, the store ({@link Delivery}) and the gauges. It also ends registrations whose
 * expiration time passed, on a periodic sweep.
 */
final class Registrations implements RegistrationExchange.Outcome {
    private static final Logger LOG = LoggerFactory.getLogger(Registrations.class);

    private final EntityDirectory directory;
    private final Upstreams upstreams;
    private final Delivery delivery;
    private final BridgeMetrics metrics;
    private final ScheduledExecutorService timer;
    private final Supplier<Deadlines> deadlines;
    private final ScheduledFuture<?> expirySweep;

    Registrations(EntityDirectory directory, Upstreams upstreams, Delivery delivery, BridgeMetrics metrics,
                  ScheduledExecutorService timer, Supplier<Deadlines> deadlines, Duration sweepInterval) {
        this.directory = directory;
        this.upstreams = upstreams;
        this.delivery = delivery;
        this.metrics = metrics;
        this.timer = timer;
        this.deadlines = deadlines;
        metrics.registeredEntities.set(directory.registrationCount());
        long every = sweepInterval.toMillis();
        this.expirySweep = timer.scheduleWithFixedDelay(this::expireAll, every, every, TimeUnit.MILLISECONDS);
    }

    void close() {
        expirySweep.cancel(false);
    }

    // ---- binding -------------------------------------------------------------------------------------------

    /** Binds a registered entity to {@code link}, taking it from any other link (newest wins). */
    void bind(String entityId, Link link) {
        rebound(entityId, link, directory.bind(entityId, link, EntityDirectory.Reidentify.TAKE_OVER));
        delivery.bound(entityId, link);
    }

    /**
     * The one re-identification every binding uses (TS-0020 7.4): binds the registered {@code entityId} to
     * {@code link} as {@code mode} says, which delivers what store-and-forward kept for it. True when the entity is
     * bound to {@code link} afterwards.
     */
    boolean reidentify(String entityId, Link link, EntityDirectory.Reidentify mode) {
        EntityDirectory.Rebound r = directory.bind(entityId, link, mode);
        if (r.changed()) {
            rebound(entityId, link, r);
            delivery.bound(entityId, link);
            return true;
        }
        return directory.boundLink(entityId).orElse(null) == link;
    }

    private void rebound(String entityId, Link link, EntityDirectory.Rebound r) {
        if (!r.changed()) {
            return;
        }
        metrics.boundEntities.set(directory.boundCount());
        link.entityBound(entityId);
        if (r.previous() != null) {
            LOG.info("entity {} moved from {} to {}", entityId, r.previous().id(), link.id());
            r.previous().entityUnbound(entityId);
        }
    }

    /** Unbinds {@code entityId} if it is bound to {@code link} (a closing connection). Never deregisters. */
    void unbind(String entityId, Link link) {
        if (directory.unbind(entityId, link)) {
            metrics.boundEntities.set(directory.boundCount());
        }
    }

    // ---- registration outcomes -----------------------------------------------------------------------------

    @Override
    public void registered(Registration registration, Ingress ingress) {
        boolean again = directory.register(registration);
        if (again) {
            // before the bind below starts a flush: nothing stored for the earlier registration goes out
            delivery.newIncarnation(registration.entityId(), registration.incarnation());
        }
        metrics.registeredEntities.set(directory.registrationCount());
        upstreams.named(registration.upstream()).ifPresent(u -> u.entityRegistered(registration));
        if (ingress.link() != null) {
            bind(registration.entityId(), ingress.link());
        }
        LOG.info("registered {} {} via upstream {} (connection {}{}{})", registration.kind(), registration.entityId(),
                registration.upstream(), ingress.connection(), again ? ", registered again: new incarnation" : "",
                registration.expiresAt() == null ? "" : ", expires " + registration.expiresAt());
    }

    @Override
    public void updated(Registration registration) {
        directory.updateIfCurrent(registration);
    }

    @Override
    public void deregistered(Registration registration, RegistrationEnd why) {
        Optional<Optional<Link>> ended = directory.endIfCurrent(registration);
        if (ended.isEmpty()) {
            return; // already ended, or replaced by a newer registration that this does not concern
        }
        metrics.registeredEntities.set(directory.registrationCount());
        metrics.deregistered(why.label());
        metrics.boundEntities.set(directory.boundCount());
        ended.get().ifPresent(link -> link.entityUnbound(registration.entityId()));
        upstreams.named(registration.upstream()).ifPresent(u -> u.entityDeregistered(registration));
        delivery.deregistered(registration.entityId(), why);
        LOG.info("deregistered {} {}: {}", registration.kind(), registration.entityId(), why.label().label());
    }

    /** The operator ends the registration of {@code entityId}; false when it is not registered. */
    boolean deregisterByOperator(String entityId) {
        Optional<Registration> r = directory.registration(entityId);
        r.ifPresent(registration -> deregistered(registration, RegistrationEnd.OPERATOR));
        return r.isPresent();
    }

    // ---- expiry --------------------------------------------------------------------------------------------

    /** {@code registration} was found past its expiration time: ended on the timer, off the finder's thread. */
    void expired(Registration registration) {
        try {
            timer.execute(() -> deregistered(registration, RegistrationEnd.EXPIRED));
        } catch (RejectedExecutionException e) {
            LOG.debug("shutting down: the expired registration of {} ends at the next start", registration.entityId());
        }
    }

    /** Periodic, on the timer: ends the registrations whose expiration time passed (the CSE deleted them). */
    private void expireAll() {
        Instant now = deadlines.get().now();
        for (Registration r : directory.registrations()) {
            if (r.isExpired(now)) {
                try {
                    deregistered(r, RegistrationEnd.EXPIRED);
                } catch (RuntimeException e) { // a closed store at shutdown: the next start tries again
                    LOG.warn("could not end the expired registration of {}: {}", r.entityId(), e.toString());
                }
            }
        }
    }
}
