package org.m2mbridge.core.budget;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import org.m2mbridge.core.config.LimitsConfig;

/**
 * The size of the {@link InboundBudget}: {@code limits.inboundBudgetBytes}, or when that is 0 a share of the JVM's
 * memory (docs/security.md "Memory budget").
 * <ul>
 *   <li>A quarter of the maximum heap: the budgeted bytes are heap arrays. The other three quarters are for what
 *   a message costs once it is whole (decoding takes a few times its size, briefly, per I/O thread), the
 *   sessions, registry and store cache, and the collector's head-room.</li>
 *   <li>At most half the maximum direct memory: the bytes cross the socket through the I/O layer's pooled direct
 *   buffers. The JVM's direct limit equals the heap limit unless {@code -XX:MaxDirectMemorySize} says otherwise, so
 *   this bound only bites when an operator caps direct memory on purpose.</li>
 * </ul>
 * Never less than {@code limits.maxMessageBytes}, so one largest message always fits.
 */
public final class BudgetSize {
    static final double HEAP_SHARE = 0.25;
    static final double DIRECT_SHARE = 0.5;

    private BudgetSize() {
    }

    public static long of(LimitsConfig limits) {
        return of(limits, Runtime.getRuntime().maxMemory(), maxDirectMemory());
    }

    static long of(LimitsConfig limits, long maxHeap, long maxDirect) {
        if (limits.inboundBudgetBytes() > 0) {
            return limits.inboundBudgetBytes();
        }
        long share = Math.min((long) (maxHeap * HEAP_SHARE), (long) (maxDirect * DIRECT_SHARE));
        return Math.max(share, limits.maxMessageBytes());
    }

    /** {@code -XX:MaxDirectMemorySize}, or the maximum heap when it is not set (0), as java.nio applies it. */
    static long maxDirectMemory() {
        long heap = Runtime.getRuntime().maxMemory();
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            long set = vm == null ? 0 : Long.parseLong(vm.getVMOption("MaxDirectMemorySize").getValue());
            return set > 0 ? set : heap;
        } catch (RuntimeException e) { // not a HotSpot JVM: assume the default
            return heap;
        }
    }
}
