package org.m2mbridge.distribution;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.demo.DemoCse;
import org.m2mbridge.demo.DemoCseHttpServer;

/**
 * The demo CSE as an HTTP-only upstream (TS-0009) for end-to-end tests: its HTTP server on a loopback ephemeral
 * port, notifications sent over HTTP, and what the bridge answered to each notification recorded.
 */
final class DemoCseOverHttp implements AutoCloseable {
    final DemoCse cse = new DemoCse();
    final DemoCseHttpServer http;
    /** What the CSE got back for every notification it sent: the bridge's HTTP answers (recorded asynchronously). */
    final List<ResponsePrimitive> notifyAnswers = new CopyOnWriteArrayList<>();

    DemoCseOverHttp(Codecs codecs) {
        http = DemoCseHttpServer.start(cse, codecs, "127.0.0.1", 0);
        EndToEndTest.recordNotifyAnswers(cse, codecs, notifyAnswers);
    }

    DemoCseOverHttp() {
        this(new Codecs(CodecLimits.DEFAULT));
    }

    int port() {
        return http.port();
    }

    @Override
    public void close() {
        http.close();
        cse.close();
    }
}
