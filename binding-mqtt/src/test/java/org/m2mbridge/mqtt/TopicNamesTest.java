package org.m2mbridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.mqtt.TopicNames.Form;
import org.m2mbridge.mqtt.TopicNames.Kind;
import org.m2mbridge.mqtt.TopicNames.Topic;

class TopicNamesTest {

    @Test
    void idFormsOfTs0010Clause642() {
        assertEquals("cse-mn1", TopicNames.segment("/cse-mn1"));          // SP-relative CSE-ID
        assertEquals("cse-mn1:Cae7", TopicNames.segment("/cse-mn1/Cae7")); // SP-relative AE-ID
        assertEquals("Sae9", TopicNames.segment("/Sae9"));                  // SP-relative S-AE-ID
        assertEquals(":sp.com:in1", TopicNames.segment("//sp.com/in1"));    // absolute CSE-ID (Mcc')
        assertEquals(":sp.com:in1:Cae7", TopicNames.segment("//sp.com/in1/Cae7"));
        assertEquals("Cmqttae", TopicNames.segment("Cmqttae"));             // AE-ID stem (CSE-relative)
        assertEquals("id-in", TopicNames.segment("/id-in"));
    }

    @Test
    void wildcardsAndEmptyIdsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> TopicNames.segment("Cae+1"));
        assertThrows(IllegalArgumentException.class, () -> TopicNames.segment("/cse/#"));
        assertThrows(IllegalArgumentException.class, () -> TopicNames.segment(""));
        assertThrows(IllegalArgumentException.class, () -> TopicNames.segment(null));
        assertThrows(IllegalArgumentException.class, () -> TopicNames.segment("/"));
    }

    @Test
    void originatorInBareFormIsWhatAcmeUses() {
        // acme/mqtt-02: /oneM2M/req/Cmqttae/id-in/json
        assertEquals("Cmqttae", TopicNames.originator("Cmqttae", "/id-in", Form.BARE));
        assertEquals("Cmqttae", TopicNames.originator("/id-in/Cmqttae", "/id-in", Form.BARE));
        assertEquals("id-mn:Cae", TopicNames.originator("/id-mn/Cae", "/id-in", Form.BARE)); // other CSE: kept
        assertEquals("id-mn", TopicNames.originator("/id-mn", "/id-in", Form.BARE));
        assertEquals(":sp:id-mn", TopicNames.originator("//sp/id-mn", "/id-in", Form.BARE));
    }

    @Test
    void originatorInFullFormIsSpRelative() {
        assertEquals("id-in:Cmqttae", TopicNames.originator("Cmqttae", "/id-in", Form.FULL));
        assertEquals("id-in:Cmqttae", TopicNames.originator("/id-in/Cmqttae", "/id-in", Form.FULL));
        assertEquals("id-mn", TopicNames.originator("/id-mn", "/id-in", Form.FULL));
    }

    @Test
    void topicsAreBuiltWithFormatLevel() {
        assertEquals("/oneM2M/req/Cmqttae/id-in/json",
                TopicNames.request("Cmqttae", "id-in", Serialization.JSON).name());
        assertEquals("/oneM2M/reg_req/cred-1/id-in/cbor",
                TopicNames.registrationRequest("cred-1", "id-in", Serialization.CBOR).name());
        assertEquals("/oneM2M/resp/+/id-in/#", TopicNames.responsesFrom("id-in"));
        assertEquals("/oneM2M/reg_resp/+/id-in/#", TopicNames.registrationResponsesFrom("id-in"));
        assertEquals("/oneM2M/req/+/Cmqttae/#", TopicNames.requestsTo("Cmqttae"));
        assertEquals("/oneM2M/reg_req/+/id-in/#", TopicNames.registrationRequestsTo("id-in"));
        assertEquals("a:b:c", TopicNames.credential("a/b/c"));
    }

    @Test
    void parsesWhatThePeersPublish() {
        assertEquals(Optional.of(new Topic(Kind.RESP, "Cmqttae", "id-in", Optional.of(Serialization.JSON))),
                TopicNames.parse("/oneM2M/resp/Cmqttae/id-in/json"));
        // Mobius publishes each response once without the format level too.
        assertEquals(Optional.of(new Topic(Kind.RESP, "Smqttae", "Mobius2", Optional.empty())),
                TopicNames.parse("/oneM2M/resp/Smqttae/Mobius2"));
        assertEquals(Kind.REG_RESP, TopicNames.parse("oneM2M/reg_resp/cred/id-in/cbor").orElseThrow().kind());
        assertEquals(Kind.REQ, TopicNames.parse("/oneM2M/req/id-in/Cmqttae/json").orElseThrow().kind());
        assertTrue(TopicNames.parse("/oneM2M/other/a/b/json").isEmpty());
        assertTrue(TopicNames.parse("/oneM2M/req/a").isEmpty());
        assertTrue(TopicNames.parse("/foo/req/a/b/json").isEmpty());
        assertTrue(TopicNames.parse("/oneM2M/req//b/json").isEmpty());
    }

    @Test
    void responseTopicCopiesOriginatorAndReceiverVerbatim() {
        Topic notify = TopicNames.parse("/oneM2M/req/id-in/Cmqttae/json").orElseThrow();
        assertEquals("/oneM2M/resp/id-in/Cmqttae/json", notify.responseTopic().name()); // acme/mqtt-05
        Topic reg = TopicNames.parse("/oneM2M/reg_req/cred-9/id-in/cbor").orElseThrow();
        assertEquals("/oneM2M/reg_resp/cred-9/id-in/cbor", reg.responseTopic().name());
        Topic bare = TopicNames.parse("/oneM2M/req/Mobius2/Smqttae").orElseThrow();
        assertEquals("/oneM2M/resp/Mobius2/Smqttae", bare.responseTopic().name());
    }

    @Test
    void entityIsAddressedInBothFormsAndByToken() {
        assertEquals(Set.of("Cmqttae", "id-in:Cmqttae", "tok123"),
                TopicNames.entityReceivers("Cmqttae", "/id-in", "tok123"));
        assertEquals(Set.of("id-in:Cae", "Cae"), TopicNames.entityReceivers("/id-in/Cae", "/id-in", null));
        assertEquals(List.of("id-mn"), List.copyOf(TopicNames.entityReceivers("/id-mn", "/id-in", null)));
    }

    @Test
    void senderAndAddresseeOfAMessageFollowTheTopicKind() {
        // a response topic copies the request's levels (TS-0010 6.4.2): its sender is the request's receiver
        Topic req = TopicNames.parse("/oneM2M/req/Cae1/id-in/json").orElseThrow();
        assertEquals("Cae1", req.sender());
        assertEquals("id-in", req.addressee());
        Topic resp = req.responseTopic();
        assertEquals("id-in", resp.sender());
        assertEquals("Cae1", resp.addressee());
        Topic regReq = TopicNames.parse("/oneM2M/reg_req/Ccred/id-in/cbor").orElseThrow();
        assertEquals("Ccred", regReq.sender());
        assertEquals("id-in", regReq.responseTopic().sender());
    }
}
