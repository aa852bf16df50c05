package org.m2mbridge.mqtt;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.m2mbridge.core.bus.Link;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/** A downstream connection stand-in: records requests from upstream and answers them 2000 OK. */
final class TestLink implements Link {
    final List<RequestPrimitive> received = new CopyOnWriteArrayList<>();
    private final String id;

    TestLink(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String binding() {
        return "test";
    }

    @Override
    public CompletableFuture<ResponsePrimitive> deliver(RequestPrimitive request, Instant deadline) {
        received.add(request);
        return CompletableFuture.completedFuture(ResponsePrimitive.builder(ResponseStatusCode.OK.code(), request.rqi())
                .rvi(request.rvi()).to(request.fr()).fr(request.to()).build());
    }
}
