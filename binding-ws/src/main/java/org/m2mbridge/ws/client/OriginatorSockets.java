package org.m2mbridge.ws.client;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which upstream socket each originator's requests travel on in {@code ws.sockets: per-entity} mode, and how many
 * sockets exist (at most {@code ws.maxSockets}). A registered entity OWNS its socket: it stays open (and is
 * reopened) until the entity is deregistered, so the upstream can push notifications to it at any time. Any other
 * socket lives only while requests are in flight on it: one of an originator that is not registered here yet (a
 * CSE deleting its stale registration before registering, TS-0020 7.4), or, for a registration that has no ID yet
 * ({@code fr} "C", "S" or none, TS-0001 10.2.2.2), a socket of its own without {@code X-M2M-Origin}. Thread-safe;
 * the caller opens and closes the sockets themselves.
 *
 * @param <S> the socket (its connection state is the caller's)
 */
final class OriginatorSockets<S> {

    /** Makes the state of a new socket for {@code originator}; null for a socket without an originator. */
    interface Factory<S> {
        S create(String originator);
    }

    private static final class Entry {
        final String originator;
        boolean owned;
        int inflight;

        Entry(String originator) {
            this.originator = originator;
        }
    }

    private final int max;
    private final Factory<S> factory;
    private final Map<String, S> byOriginator = new HashMap<>();
    private final Map<S, Entry> entries = new IdentityHashMap<>();

    OriginatorSockets(int max, Factory<S> factory) {
        this.max = max;
        this.factory = factory;
    }

    /**
     * The socket a request from {@code originator} goes on (null: a registration without an ID, which gets a new
     * socket), counted as in flight until {@link #release}; empty when a new socket is needed and {@code max} are
     * open already.
     */
    synchronized Optional<S> acquire(String originator) {
        S socket = originator == null ? null : byOriginator.get(originator);
        if (socket == null) {
            if (entries.size() >= max) {
                return Optional.empty();
            }
            socket = add(originator);
        }
        entries.get(socket).inflight++;
        return Optional.of(socket);
    }

    /** A request on {@code socket} was answered. True when the socket is no longer needed: close it. */
    synchronized boolean release(S socket) {
        Entry e = entries.get(socket);
        if (e == null) {
            return false;
        }
        e.inflight--;
        return retireIfUnused(socket, e);
    }

    /**
     * {@code entityId} registered through this upstream: the socket it owns from now on (an existing one of that
     * originator, or a new one); empty when {@code max} sockets are open already.
     */
    synchronized Optional<S> own(String entityId) {
        S socket = byOriginator.get(entityId);
        if (socket == null) {
            if (entries.size() >= max) {
                return Optional.empty();
            }
            socket = add(entityId);
        }
        entries.get(socket).owned = true;
        return Optional.of(socket);
    }

    /**
     * {@code entityId} was deregistered: its socket is no longer kept. Returns it when nothing is in flight on it
     * (close it now); otherwise the last {@link #release} does.
     */
    synchronized Optional<S> disown(String entityId) {
        S socket = byOriginator.get(entityId);
        if (socket == null) {
            return Optional.empty();
        }
        Entry e = entries.get(socket);
        e.owned = false;
        return retireIfUnused(socket, e) ? Optional.of(socket) : Optional.empty();
    }

    /** True when {@code socket} belongs to a registered entity: reopen it when it drops. */
    synchronized boolean isOwned(S socket) {
        Entry e = entries.get(socket);
        return e != null && e.owned;
    }

    /** Every socket there is now. */
    synchronized List<S> all() {
        return List.copyOf(entries.keySet());
    }

    synchronized int size() {
        return entries.size();
    }

    private S add(String originator) {
        S socket = factory.create(originator);
        entries.put(socket, new Entry(originator));
        if (originator != null) {
            byOriginator.put(originator, socket);
        }
        return socket;
    }

    private boolean retireIfUnused(S socket, Entry e) {
        if (e.owned || e.inflight > 0) {
            return false;
        }
        entries.remove(socket);
        if (e.originator != null) {
            byOriginator.remove(e.originator, socket);
        }
        return true;
    }
}
