package org.m2mbridge.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.demo.DemoCse;
import org.m2mbridge.demo.DemoCseHttpServer;

/**
 * The upstream IN-CSE: the demo CSE behind its HTTP front end on a port that stays the same across
 * {@link #stopHttp()} / {@link #startHttp()} (the bridge's config names it), with the CSE's resources kept.
 */
final class DemoUpstream implements AutoCloseable {
    private final Codecs codecs = new Codecs(CodecLimits.DEFAULT);
    private final DemoCse cse = new DemoCse();
    private volatile DemoCseHttpServer http;
    private final int port;

    DemoUpstream() {
        http = DemoCseHttpServer.start(cse, codecs, "127.0.0.1", 0);
        port = http.port();
    }

    int port() {
        return port;
    }

    /** Stops the HTTP listener: connections are closed, new ones refused (the CSE's resources stay). */
    synchronized void stopHttp() {
        if (http != null) {
            http.close();
            http = null;
        }
    }

    synchronized void startHttp() {
        if (http == null) {
            http = DemoCseHttpServer.start(cse, codecs, "127.0.0.1", port);
        }
    }

    /**
     * The bridge's notification URL for the AE named {@code rn}: the (rewritten) {@code poa} the CSE holds for it,
     * which is what the CSE would notify.
     */
    URI notificationUrl(String rn) throws Exception {
        ResponsePrimitive r = cse.handle(RequestPrimitive.builder().op(Operation.RETRIEVE).to("cse-in/" + rn)
                .fr(DemoCse.ADMIN_ORIGINATOR).rqi("poa-" + rn).rvi("3").build()).get(10, TimeUnit.SECONDS);
        JsonNode poa = r.pc() == null ? null : r.pc().at("/m2m:ae/poa/0");
        if (r.rsc() != 2000 || poa == null || poa.isMissingNode()) {
            throw new AssertionError("no poa for " + rn + ": " + r);
        }
        return URI.create(poa.asText());
    }

    /** Deletes the AE named {@code rn} at the CSE, as an operator or a CSE restarted on a memory database would. */
    void forget(String rn) throws Exception {
        ResponsePrimitive r = cse.handle(RequestPrimitive.builder().op(Operation.DELETE).to("cse-in/" + rn)
                .fr(DemoCse.ADMIN_ORIGINATOR).rqi("forget-" + rn).rvi("3").build()).get(10, TimeUnit.SECONDS);
        if (r.rsc() != 2002) {
            throw new AssertionError("could not delete " + rn + ": " + r);
        }
    }

    @Override
    public void close() {
        stopHttp();
        cse.close();
    }
}
