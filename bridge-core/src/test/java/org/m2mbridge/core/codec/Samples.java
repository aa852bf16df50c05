package org.m2mbridge.core.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.m2mbridge.core.primitive.FilterCriteria;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseTypeInfo;

/** Primitives with every parameter set, and typical contents, for the codec tests. */
final class Samples {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Samples() {
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** Typical contents, canonical (as the codecs output them) and using names the XML typing table knows. */
    static final List<String> CONTENTS = List.of(
            "{\"m2m:ae\":{\"rn\":\"wsae\",\"api\":\"Nwsae\",\"rr\":true,\"srv\":[\"3\",\"4\"],\"poa\":[\"ws://default\"],"
                    + "\"pi\":\"id-in\",\"ri\":\"Cwsae\",\"ty\":2,\"aei\":\"Cwsae\",\"ct\":\"20261125T132102,186642\","
                    + "\"acpi\":[\"acp1\",\"acp2\"],\"csz\":[\"application/json\",\"application/cbor\"]}}",
            "{\"m2m:cnt\":{\"rn\":\"c1\",\"ty\":3,\"st\":0,\"cni\":0,\"cbs\":0,\"mni\":10,\"mbs\":3153600000,\"mia\":3600,"
                    + "\"lbl\":[\"a\",\"b\"],\"cr\":\"Cae\"}}",
            "{\"m2m:cin\":{\"rn\":\"cin1\",\"ty\":4,\"cnf\":\"text/plain:0\",\"con\":\"hello <world> & co\",\"cs\":18}}",
            "{\"m2m:sub\":{\"rn\":\"sub1\",\"enc\":{\"net\":[1,3]},\"nu\":[\"Cae\",\"http://127.0.0.1:9000/n\"],"
                    + "\"nct\":1,\"exc\":10,\"su\":\"Cae\"}}",
            "{\"m2m:sub\":{\"rn\":\"sub2\",\"enc\":{\"net\":[3]},\"nu\":[\"Cae\"]}}",
            "{\"m2m:sgn\":{\"nev\":{\"rep\":{\"m2m:cin\":{\"rn\":\"cin1\",\"con\":\"v\",\"ty\":4}},\"net\":3},"
                    + "\"sur\":\"/id-in/sub1\",\"cr\":\"Cae\"}}",
            "{\"m2m:sgn\":{\"vrq\":true,\"sur\":\"/id-in/sub1\",\"cr\":\"Cae\"}}",
            "{\"m2m:sgn\":{\"sud\":true,\"sur\":\"/id-in/sub1\"}}",
            "{\"m2m:dbg\":\"No resource with this ID: cse-in/nope\"}",
            "{\"m2m:uril\":[\"cse-in/a\",\"cse-in/a/b\"]}",
            "{\"m2m:cnt\":{\"rn\":\"c2\",\"lbl\":null}}");

    static RequestPrimitive fullRequest() {
        Map<String, JsonNode> fc = new LinkedHashMap<>();
        fc.put("crb", TextNode.valueOf("20261125T132102"));
        fc.put("sts", json("5"));
        fc.put("lbl", json("[\"tag\",\"x\"]"));
        fc.put("ty", json("[3,4]"));
        fc.put("cty", json("[\"text/plain\"]"));
        fc.put("atr", json("[{\"nm\":\"cr\",\"val\":\"Sam\"}]"));
        fc.put("fu", json("1"));
        fc.put("lim", json("10"));
        fc.put("lvl", json("2"));
        fc.put("arp", TextNode.valueOf("la"));
        return RequestPrimitive.builder()
                .op(Operation.CREATE).to("/id-in/cse-in").fr("Cae1").rqi("r-1").ty(3)
                .pc(json("{\"m2m:cnt\":{\"rn\":\"c1\",\"lbl\":[\"a\",\"b\"],\"mni\":10}}"))
                .rids(List.of("role1", "role2")).ot("20261125T132102").rqet("20261125T132202").rset("3600000")
                .oet("20261125T132102,123").rt(new ResponseTypeInfo(2, List.of("Cae1", "/id-in/cse-in/Cae1")))
                .rp("20261126T000000").rcn(1).ec(2).da(false).gid("g-1").fc(new FilterCriteria(fc)).drt(2)
                .tkns(List.of("tok1", "tok2")).tids(List.of("tid1")).ltids(List.of("lt1")).tqi(true)
                .grtm(List.of("/id-in/m1", "/id-in/m2")).asi(true)
                .aus(json("[{\"sit\":\"jws\",\"sig\":\"abc\"}]")).auri(false).sqi(false)
                .rvi("3").vsi("vendor-x").extra("xyz", TextNode.valueOf("custom"))
                .build();
    }

    static ResponsePrimitive fullResponse() {
        return ResponsePrimitive.builder(2001, "r-1")
                .pc(json("{\"m2m:cnt\":{\"rn\":\"c1\",\"ri\":\"cnt123\",\"ty\":3,\"st\":0}}"))
                .to("Cae1").fr("/id-in").ot("20261125T132102").rset("20261125T142102").ec(3).cnst(2).cnot(5)
                .ati(json("{\"lai\":{\"lti\":\"lt1\",\"tkid\":\"tk1\"}}"))
                .tqf(json("{\"tqi\":{\"dasi\":\"x\"}}"))
                .asri(true).rvi("2a").vsi("vendor-y").extra("drt", json("1"))
                .build();
    }
}
