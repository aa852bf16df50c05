package org.m2mbridge.bench;

import java.nio.charset.StandardCharsets;

/**
 * The answers of the benchmark's upstream stubs: fixed, small oneM2M JSON contents per resource type, so the
 * upstream costs next to nothing and the bridge is what is measured. One table for the HTTP and the MQTT stub.
 *
 * @param rsc     response status code (TS-0004 6.6)
 * @param content JSON content ({@code pc}), null for none
 */
record FixedAnswers(int rsc, String content) {
    private static final String CIN = "{\"m2m:cin\":{\"rn\":\"cin_1\",\"ri\":\"cin1\",\"pi\":\"cnt1\",\"ty\":4,"
            + "\"ct\":\"20261125T153000,000000\",\"lt\":\"20261125T153000,000000\",\"st\":1,\"cs\":83,"
            + "\"cnf\":\"application/json:0\",\"con\":\"ok\"}}";
    private static final String CNT = "{\"m2m:cnt\":{\"rn\":\"data\",\"ri\":\"cnt1\",\"pi\":\"ae1\",\"ty\":3,"
            + "\"ct\":\"20261125T153000,000000\",\"lt\":\"20261125T153000,000000\",\"st\":1,\"mni\":10,\"cni\":1,\"cbs\":2}}";
    private static final String SUB = "{\"m2m:sub\":{\"rn\":\"sub\",\"ri\":\"sub1\",\"pi\":\"cnt1\",\"ty\":23,"
            + "\"nu\":[\"x\"],\"enc\":{\"net\":[3]}}}";
    private static final String URIL = "{\"m2m:uril\":[\"cse-in/ae/data/cin_1\",\"cse-in/ae/data/cin_2\"]}";

    /**
     * @param op         1..5
     * @param ty         resource type of a CREATE, else null
     * @param discovery  a RETRIEVE with fu=1
     * @param originator X-M2M-Origin / fr: the AE-ID a registration is answered with (ACME keeps C-originators)
     */
    static FixedAnswers of(int op, Integer ty, boolean discovery, String originator) {
        return switch (op) {
            case 1 -> ty == null ? new FixedAnswers(4000, null) : switch (ty) {
                case 2 -> new FixedAnswers(2001, "{\"m2m:ae\":{\"rn\":\"" + originator.substring(1) + "\",\"ri\":\""
                        + originator + "\",\"pi\":\"cseBase\",\"ty\":2,\"aei\":\"" + originator
                        + "\",\"api\":\"Nm2m-load\",\"rr\":true,\"srv\":[\"3\"]}}");
                case 3 -> new FixedAnswers(2001, CNT);
                case 23 -> new FixedAnswers(2001, SUB);
                default -> new FixedAnswers(2001, CIN);
            };
            case 2 -> new FixedAnswers(2000, discovery ? URIL : CNT);
            case 3 -> new FixedAnswers(2004, CNT);
            case 4 -> new FixedAnswers(2002, null);
            default -> new FixedAnswers(2000, null);
        };
    }

    byte[] contentBytes() {
        return content == null ? new byte[0] : content.getBytes(StandardCharsets.UTF_8);
    }
}
