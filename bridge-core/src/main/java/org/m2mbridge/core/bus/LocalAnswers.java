package org.m2mbridge.core.bus;

import java.time.Duration;
import org.m2mbridge.core.log.LogBudget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line for each error the bridge answers itself instead of the next hop (a 4008 because nothing answered
 * in time, a 5103 because a connection failed, a 4004 for no route, a gate's 4103, a limit's 5000), with its
 * cause: the access line only has the code. A dead upstream or a misbehaving device can cause thousands a second,
 * so the lines share a {@link LogBudget}; the metrics count every one.
 */
public final class LocalAnswers {
    private static final Logger LOG = LoggerFactory.getLogger(LocalAnswers.class);
    private static final LogBudget LINES = new LogBudget(20, Duration.ofMillis(200));

    private LocalAnswers() {
    }

    /** The bridge answered {@code rsc} to the request {@code rqi} from {@code fr} because {@code why}. */
    public static void answered(int rsc, String rqi, String fr, String why) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        long more = LINES.admit();
        if (more >= 0) {
            LOG.info("answered {} itself to rqi={} fr={}: {}{}", rsc, rqi == null ? "-" : rqi, fr == null ? "-" : fr,
                    why, LogBudget.more(more));
        }
    }
}
