package org.m2mbridge.core.budget;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.m2mbridge.core.config.LimitsConfig;
import org.m2mbridge.core.metrics.BridgeMetrics;

/**
 * One process-wide bound on the bytes the bridge holds for its peers before it can act on them: messages not yet
 * received whole, and messages queued for a socket that has not taken them yet (docs/security.md "Memory budget").
 * Each connection of any binding holds an {@link Account}.
 * <p>
 * A reservation that would pass the limit sheds the connection that holds the most, counting the requester with
 * what it asks for (the newest on a tie): a flood of large partial messages costs the flooders their connections
 * one by one, largest first, while a device asking room for a small request gets it. Reserving and releasing are
 * lock-free while under the limit; only shedding takes a lock, and it never waits for a connection to close.
 */
public final class InboundBudget {
    /** How long after the last {@link ShedReason#MEMORY_BUDGET} shed {@link #shedRecently()} stays true. */
    public static final Duration SHEDDING_REPORTED_FOR = Duration.ofSeconds(10);
    /** Sheds one reservation may cause before the requester itself gives way (others kept taking the room). */
    private static final int MAX_SHEDS_PER_RESERVATION = 8;
    private static final long SHED = -1;
    private static final long NO_MESSAGE = Long.MIN_VALUE;

    /** The connection behind an account. */
    public interface Holder {
        /** Its account was shed (called once, from any thread): close the connection without blocking. */
        void shed(ShedReason reason);
    }

    private final long limit;
    private final BridgeMetrics metrics;
    private final LongSupplier nanoClock;
    private final AtomicLong used = new AtomicLong();
    private final AtomicLong sequence = new AtomicLong();
    private final Set<Account> accounts = ConcurrentHashMap.newKeySet();
    private final Object shedding = new Object();
    private volatile long lastBudgetShed;
    private volatile boolean everShedForBudget;
    private volatile ScheduledFuture<?> sweep;

    public InboundBudget(long limit, BridgeMetrics metrics) {
        this(limit, metrics, System::nanoTime);
    }

    InboundBudget(long limit, BridgeMetrics metrics, LongSupplier nanoClock) {
        if (limit <= 0) {
            throw new IllegalArgumentException("budget must be positive: " + limit);
        }
        this.limit = limit;
        this.metrics = metrics;
        this.nanoClock = nanoClock;
        for (ShedReason r : ShedReason.values()) {
            metrics.loadShed.labelValues(r.label()); // zero series from the start, so rate() works at once
        }
        metrics.watchInboundBudget(used::get, limit);
    }

    /**
     * A budget sized by {@link BudgetSize} whose unfinished messages are closed after
     * {@code limits.messageAssemblyTimeout} by one {@link AssemblyDeadline} sweep on {@code timer}.
     */
    public static InboundBudget start(LimitsConfig limits, BridgeMetrics metrics, ScheduledExecutorService timer) {
        InboundBudget budget = new InboundBudget(BudgetSize.of(limits), metrics);
        budget.sweep = AssemblyDeadline.schedule(budget, limits.messageAssemblyTimeout(), timer);
        return budget;
    }

    /** Opens the account of one connection; {@link Account#close()} it when the connection is gone. */
    public Account open(Holder holder) {
        Account a = new Account(sequence.incrementAndGet(), holder);
        accounts.add(a);
        return a;
    }

    public long limit() {
        return limit;
    }

    /** Bytes held now by every account together. */
    public long used() {
        return Math.max(0, used.get());
    }

    /** True while the budget was spent recently ({@link #SHEDDING_REPORTED_FOR}): readiness reports it. */
    public boolean shedRecently() {
        return everShedForBudget
                && nanoClock.getAsLong() - lastBudgetShed < SHEDDING_REPORTED_FOR.toNanos();
    }

    /** Stops the assembly deadline sweep, if {@link #start} scheduled one. */
    public void close() {
        ScheduledFuture<?> s = sweep;
        if (s != null) {
            s.cancel(false);
        }
    }

    Set<Account> accounts() {
        return accounts;
    }

    long nanoTime() {
        return nanoClock.getAsLong();
    }

    /** Writes the account off and tells its holder, once; false if it was already shed or closed. */
    boolean shed(Account account, ShedReason reason) {
        if (!account.writeOff()) {
            return false;
        }
        tell(account, reason);
        return true;
    }

    private void tell(Account account, ShedReason reason) {
        metrics.loadShed.labelValues(reason.label()).inc();
        if (reason == ShedReason.MEMORY_BUDGET) {
            lastBudgetShed = nanoClock.getAsLong();
            everShedForBudget = true;
        }
        account.holder.shed(reason);
    }

    private boolean reserveByShedding(Account requester, long bytes) {
        List<Account> shed = new ArrayList<>();
        boolean granted = false;
        synchronized (shedding) {
            for (int i = 0; i <= MAX_SHEDS_PER_RESERVATION && !requester.isShed(); i++) {
                if (requester.tryReserve(bytes)) {
                    granted = true;
                    break;
                }
                Account victim = i == MAX_SHEDS_PER_RESERVATION ? requester : largest(requester, bytes);
                if (victim.writeOff()) {
                    shed.add(victim);
                }
            }
        }
        shed.forEach(a -> tell(a, ShedReason.MEMORY_BUDGET)); // holders close their connections outside the lock
        return granted;
    }

    /** The account holding the most, the requester counted with {@code bytes} more; the newest on a tie. */
    private Account largest(Account requester, long bytes) {
        Account largest = requester;
        long most = requester.held() + bytes;
        for (Account a : accounts) {
            long h = a.held();
            if (a != requester && (h > most || h == most && a.sequence > largest.sequence)) {
                largest = a;
                most = h;
            }
        }
        return largest;
    }

    /** What one connection holds of the budget. Thread-safe: its I/O thread and any sender use it at once. */
    public final class Account {
        private final long sequence;
        private final Holder holder;
        /** Bytes held, or {@link #SHED} once shed or closed. {@code used} moves by exactly what this moved by. */
        private final AtomicLong held = new AtomicLong();
        private volatile long messageSince = NO_MESSAGE;

        private Account(long sequence, Holder holder) {
            this.sequence = sequence;
            this.holder = holder;
        }

        /**
         * Takes {@code bytes} of the budget. False when the account is shed or closed, possibly by this very call
         * (it held the most when the budget ran out): its holder has been told, and the caller drops what it holds.
         */
        public boolean reserve(long bytes) {
            return tryReserve(bytes) || !isShed() && reserveByShedding(this, bytes);
        }

        private boolean tryReserve(long bytes) {
            if (!adjust(bytes)) {
                return false;
            }
            if (used.addAndGet(bytes) <= limit) {
                return true;
            }
            release(bytes);
            return false;
        }

        /** Gives back {@code bytes} taken by {@link #reserve}; nothing once the account was shed or closed. */
        public void release(long bytes) {
            if (adjust(-bytes)) {
                used.addAndGet(-bytes);
            }
        }

        private boolean adjust(long delta) {
            long h;
            do {
                h = held.get();
                if (h == SHED) {
                    return false;
                }
            } while (!held.compareAndSet(h, h + delta));
            return true;
        }

        /** Marks it shed and returns what it held to the budget; false if that already happened. */
        private boolean writeOff() {
            long h = held.getAndSet(SHED);
            if (h == SHED) {
                return false;
            }
            used.addAndGet(-h);
            messageSince = NO_MESSAGE;
            return true;
        }

        /** A message began arriving now: {@link AssemblyDeadline} closes the connection if it is not whole in time. */
        public void messageStarted() {
            messageSince = nanoClock.getAsLong();
        }

        /** The message begun last is whole (or dropped). */
        public void messageEnded() {
            messageSince = NO_MESSAGE;
        }

        boolean messageOlderThan(long nanos, long now) {
            long since = messageSince;
            return since != NO_MESSAGE && now - since > nanos;
        }

        /** Bytes held now; -1 once shed or closed. */
        public long held() {
            return held.get();
        }

        public boolean isShed() {
            return held.get() == SHED;
        }

        /** The connection is gone: what it held goes back to the budget. Idempotent. */
        public void close() {
            writeOff();
            accounts.remove(this);
        }
    }
}
