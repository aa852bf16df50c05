package org.m2mbridge.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/** oneM2M JSON primitives as a device writes them on the wire (TS-0004 8.4, short names). */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }

    static String createAe(String fr, String rqi, String rn) {
        return "{\"op\":1,\"to\":\"/id-in\",\"fr\":\"" + fr + "\",\"rqi\":\"" + rqi + "\",\"ty\":2,\"rvi\":\"3\","
                + "\"pc\":{\"m2m:ae\":{\"rn\":\"" + rn + "\",\"api\":\"Nws\",\"rr\":true,\"srv\":[\"3\"]}}}";
    }

    static String retrieve(String fr, String rqi, String to) {
        return "{\"op\":2,\"to\":\"" + to + "\",\"fr\":\"" + fr + "\",\"rqi\":\"" + rqi + "\",\"rvi\":\"3\"}";
    }

    static String delete(String fr, String rqi, String to) {
        return "{\"op\":4,\"to\":\"" + to + "\",\"fr\":\"" + fr + "\",\"rqi\":\"" + rqi + "\",\"rvi\":\"3\"}";
    }

    static String response(int rsc, String rqi) {
        return "{\"rsc\":" + rsc + ",\"rqi\":\"" + rqi + "\",\"rvi\":\"3\"}";
    }
}
