package org.m2mbridge.ws.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.bus.Ingress;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.testing.RecordingLink;

/**
 * The upstream client offers permessage-deflate (RFC 7692) and uses it when the bridge's own WS listener agrees
 * ({@code ws.deflate}, default true); a listener that declines gets an uncompressed connection.
 */
@Timeout(60)
class UpstreamDeflateTest {
    private WsPair pair;

    @AfterEach
    void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    /** Registers an AE through A whose label is long and repetitive (so compression has work), then reads it. */
    private void roundTrip() throws Exception {
        RecordingLink dev = new RecordingLink("dev-a", pair.busA.timer, 16);
        ObjectNode pc = JsonNodeFactory.instance.objectNode();
        pc.putObject("m2m:ae").put("rn", "ae-deflate").put("api", "Ndeflate.test").put("rr", true)
                .putArray("lbl").add("x".repeat(20_000));
        RequestPrimitive create = RequestPrimitive.builder().op(Operation.CREATE).ty(2).to("/id-in").fr("Cdeflate")
                .rqi("reg").rvi("3").pc(pc).build();
        ResponsePrimitive created = pair.busA.bus.send(create, Ingress.downstream(dev)).get(10, TimeUnit.SECONDS);
        assertEquals(2001, created.rsc(), String.valueOf(created));
        assertEquals(20_000, pair.cse.received.get(0).pc().path("m2m:ae").path("lbl").get(0).asText().length());
    }

    @Test
    void theBridgesOwnListenerAgreesToDeflateAndMessagesFlowCompressed() throws Exception {
        pair = new WsPair().clientSide("");
        roundTrip();
        assertEquals(List.of("permessage-deflate"), pair.upstreamA.extensions());
    }

    @Test
    void aListenerThatDeclinesGetsAPlainConnection() throws Exception {
        pair = new WsPair("ws:\n  deflate: false\n").clientSide("");
        roundTrip();
        assertEquals(List.of(), pair.upstreamA.extensions());
    }
}
