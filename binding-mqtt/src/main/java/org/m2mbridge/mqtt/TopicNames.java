package org.m2mbridge.mqtt;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.m2mbridge.core.codec.Serialization;

/**
 * The one place that knows oneM2M MQTT topic names (TS-0010 6.4.2-6.4.5, docs/spec/mqtt.md MQTT-TOPIC-1..4): how an ID
 * becomes a
 * topic segment, how topics are built and how a received topic is read back.
 */
public final class TopicNames {

    /** The four topic families of TS-0010 6.4. */
    public enum Kind {
        REQ("req"), RESP("resp"), REG_REQ("reg_req"), REG_RESP("reg_resp");

        private final String level;

        Kind(String level) {
            this.level = level;
        }

        public String level() {
            return level;
        }

        static Optional<Kind> ofLevel(String level) {
            for (Kind k : values()) {
                if (k.level.equals(level)) {
                    return Optional.of(k);
                }
            }
            return Optional.empty();
        }
    }

    /** How an AE-ID relative to the upstream CSE appears in the originator segment ({@code upstreams[].mqtt.topicForm}). */
    public enum Form { BARE, FULL }

    /**
     * A oneM2M topic: {@code /oneM2M/<kind>/<originator>/<receiver>[/<format>]}.
     *
     * @param format the serialization named by the last level; empty when the peer left it out (Mobius publishes
     *               every response once without it) or named something unknown
     */
    public record Topic(Kind kind, String originator, String receiver, Optional<Serialization> format) {

        /** The response topic for a request topic: originator and receiver copied verbatim (TS-0010 6.4.2). */
        public Topic responseTopic() {
            Kind k = kind == Kind.REG_REQ ? Kind.REG_RESP : kind == Kind.REQ ? Kind.RESP : kind;
            return new Topic(k, originator, receiver, format);
        }

        /**
         * Who published a message on this topic: the originator on a request topic, the receiver (who answers) on
         * a response topic, whose levels copy the request's (TS-0010 6.4.2).
         */
        public String sender() {
            return isRequest() ? originator : receiver;
        }

        /** Whom a message on this topic is for: the other party of {@link #sender()}. */
        public String addressee() {
            return isRequest() ? receiver : originator;
        }

        private boolean isRequest() {
            return kind == Kind.REQ || kind == Kind.REG_REQ;
        }

        public Topic withFormat(Serialization s) {
            return new Topic(kind, originator, receiver, Optional.of(s));
        }

        /** The topic string; the format level is always written when known (TS-0010 6.5.4). */
        public String name() {
            return ROOT + kind.level + "/" + originator + "/" + receiver + format.map(f -> "/" + f.token()).orElse("");
        }

        @Override
        public String toString() {
            return name();
        }
    }

    private static final String ROOT = "/oneM2M/";

    private TopicNames() {
    }

    /**
     * An ID as a topic segment (TS-0010 6.4.2): SP-relative {@code /cse-mn1/Cae7} becomes {@code cse-mn1:Cae7},
     * absolute {@code //sp.com/in1} becomes {@code :sp.com:in1}, a CSE-relative AE-ID stem stays as it is.
     *
     * @throws IllegalArgumentException for an empty ID or one with MQTT wildcards, which cannot be a topic level
     */
    public static String segment(String id) {
        checked(id);
        String s;
        if (id.startsWith("//")) {
            s = ":" + id.substring(2).replace('/', ':');
        } else if (id.startsWith("/")) {
            s = id.substring(1).replace('/', ':');
        } else {
            s = id.replace('/', ':');
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException("ID '" + id + "' is empty as a topic level");
        }
        return s;
    }

    /**
     * The originator segment for a request from {@code fr} to the upstream CSE {@code cseId} (SP-relative). An
     * AE-ID relative to that CSE is written as the bare stem ({@link Form#BARE}, what ACME-oneM2M-CSE and its AEs
     * use) or with the CSE prefix ({@link Form#FULL}, TS-0010 6.4.2's SP-relative AE-ID).
     */
    public static String originator(String fr, String cseId, Form form) {
        String cse = segment(cseId);
        if (form == Form.FULL && !fr.startsWith("/")) {
            return cse + ":" + segment(fr);
        }
        String s = segment(fr);
        if (form == Form.BARE && fr.startsWith("/") && !fr.startsWith("//") && s.startsWith(cse + ":")) {
            return s.substring(cse.length() + 1);
        }
        return s;
    }

    /** A credential ID as a topic segment (TS-0010 6.4.4: any {@code /} replaced by {@code :}). */
    public static String credential(String credentialId) {
        return checked(credentialId).replace('/', ':');
    }

    private static String checked(String id) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("an empty ID cannot be a topic level");
        }
        if (id.indexOf('+') >= 0 || id.indexOf('#') >= 0 || id.indexOf('\u0000') >= 0) {
            throw new IllegalArgumentException("ID '" + id + "' contains an MQTT wildcard");
        }
        return id;
    }

    public static Topic request(String originator, String receiver, Serialization format) {
        return new Topic(Kind.REQ, originator, receiver, Optional.of(format));
    }

    public static Topic registrationRequest(String credential, String receiver, Serialization format) {
        return new Topic(Kind.REG_REQ, credential, receiver, Optional.of(format));
    }

    /** Filter for the responses to every request this client sends to {@code receiver}, any originator. */
    public static String responsesFrom(String receiver) {
        return ROOT + Kind.RESP.level + "/+/" + receiver + "/#";
    }

    /** Filter for the responses to every request {@code originator} sent, from any receiver (TS-0010 6.4.5). */
    public static String responsesFor(String originator) {
        return ROOT + Kind.RESP.level + "/" + originator + "/+/#";
    }

    /** Filter for the registration responses of {@code receiver} to any credential ID. */
    public static String registrationResponsesFrom(String receiver) {
        return ROOT + Kind.REG_RESP.level + "/+/" + receiver + "/#";
    }

    /** Filter for requests addressed to the topic-form ID {@code receiver}, from anyone, in any format. */
    public static String requestsTo(String receiver) {
        return ROOT + Kind.REQ.level + "/+/" + receiver + "/#";
    }

    /** Filter for registration requests addressed to {@code receiver} (what a registrar CSE subscribes). */
    public static String registrationRequestsTo(String receiver) {
        return ROOT + Kind.REG_REQ.level + "/+/" + receiver + "/#";
    }

    /**
     * Receiver segments under which a CSE may address an entity registered with {@code cseId}: the SP-relative
     * form ({@code id-in:Cae7}, TS-0010 6.4.2) and the bare stem ({@code Cae7}, TS-0010 7.4 and ACME), plus the
     * bridge's token, which a {@code with-entity-path} poa puts into the path before the AE-ID is known.
     */
    public static Set<String> entityReceivers(String entityId, String cseId, String token) {
        Set<String> out = new LinkedHashSet<>();
        String s = segment(entityId);
        out.add(s);
        String cse = segment(cseId);
        if (!entityId.startsWith("/")) {
            out.add(cse + ":" + s);
        } else if (s.startsWith(cse + ":")) {
            out.add(s.substring(cse.length() + 1));
        }
        if (token != null && !token.isEmpty()) {
            out.add(segment(token));
        }
        return out;
    }

    /**
     * Reads a received topic. Lenient as the peers are: the leading {@code /} may be missing and the format level
     * may be absent (Mobius) or followed by more levels; anything else that is not 4-5+ levels under
     * {@code oneM2M} is not a oneM2M topic.
     */
    public static Optional<Topic> parse(String topic) {
        if (topic == null) {
            return Optional.empty();
        }
        String t = topic.startsWith("/") ? topic.substring(1) : topic;
        String[] levels = t.split("/", -1);
        if (levels.length < 4 || !levels[0].equals("oneM2M") || levels[2].isEmpty() || levels[3].isEmpty()) {
            return Optional.empty();
        }
        Optional<Kind> kind = Kind.ofLevel(levels[1]);
        if (kind.isEmpty()) {
            return Optional.empty();
        }
        Optional<Serialization> format = levels.length >= 5 ? Serialization.fromToken(levels[4]) : Optional.empty();
        return Optional.of(new Topic(kind.get(), levels[2], levels[3], format));
    }
}
