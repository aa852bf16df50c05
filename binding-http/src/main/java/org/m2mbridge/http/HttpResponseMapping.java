package org.m2mbridge.http;

import static org.m2mbridge.core.primitive.PrimitiveParameter.RQI;
import static org.m2mbridge.core.primitive.PrimitiveParameter.RSC;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.ContentResult;
import org.m2mbridge.core.codec.PrimitiveCodec;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.primitive.PrimitiveParameter;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/**
 * Response primitive to HTTP response and back (TS-0009 6.3, 6.4): HTTP status from the rsc table
 * ({@link ResponseStatusCode#httpStatusOf}), the exact code in {@code X-M2M-RSC}, other parameters in
 * {@code X-M2M-*} headers, body = the content ({@code pc}) only.
 */
final class HttpResponseMapping {

    private HttpResponseMapping() {
    }

    /** The upstream's body could not be decoded: the caller answers 5000 with {@link #getMessage()} as debug text. */
    static final class UndecodableBody extends Exception {
        private static final long serialVersionUID = 1L;

        UndecodableBody(String message) {
            super(message, null, false, false);
        }
    }

    // ---- primitive -> HTTP (inbound server answers) --------------------------------------------------------

    static HttpResponseMessage toHttp(ResponsePrimitive r, PrimitiveCodec codec) {
        Map<String, String> h = new LinkedHashMap<>();
        for (PrimitiveParameter p : HeaderParameters.RESPONSE) {
            HeaderParameters.put(h, p, p.get(r));
        }
        byte[] body = null;
        if (r.pc() != null) {
            body = codec.encodeContent(r.pc());
            h.put(M2mHeaders.CONTENT_TYPE, codec.serialization().genericMediaType());
        }
        return new HttpResponseMessage(ResponseStatusCode.httpStatusOf(r.rsc()), h, body);
    }

    /**
     * Serialization of the answer to an inbound request: what {@code Accept} names, else the request body's
     * (TS-0009 6.4.2: the hosting side chooses, considering Accept).
     */
    static Serialization answerSerialization(HttpRequestMessage request, Serialization requestBody) {
        String accept = request.header(M2mHeaders.ACCEPT);
        if (accept != null) {
            for (String range : accept.split(",")) {
                Optional<Serialization> s = Serialization.fromMediaType(range);
                if (s.isPresent()) {
                    return s.get();
                }
            }
        }
        return requestBody;
    }


    // ---- HTTP -> primitive (upstream answers) -------------------------------------------------------------

    /**
     * The response primitive for an upstream's HTTP answer to {@code request} (TS-0009 6.3.2): {@code rsc} from
     * {@code X-M2M-RSC}, only when it is missing derived from the HTTP status class.
     *
     * @param expected the serialization asked for in Accept, used when the answer names no (known) Content-Type
     */
    static ResponsePrimitive fromHttp(HttpResponseMessage m, RequestPrimitive request, Codecs codecs,
                                      Serialization expected) throws UndecodableBody {
        Integer rsc = HeaderParameters.integer(m.header(M2mHeaders.RSC));
        String rqi = m.header(M2mHeaders.RI);
        ResponsePrimitive.Builder b = ResponsePrimitive
                .builder(rsc != null ? rsc : ResponseStatusCode.fromHttpStatus(m.status()),
                        rqi != null ? rqi : request.rqi())
                .to(request.fr());
        for (PrimitiveParameter p : HeaderParameters.RESPONSE) {
            Object value = p == RSC || p == RQI ? null
                    : HeaderParameters.parseResponse(p, m.header(HeaderParameters.name(p)));
            if (value != null) {
                p.set(b, value);
            }
        }
        if (m.body().length > 0 && !isBlank(m.body())) {
            Serialization s = Serialization.fromMediaType(m.header(M2mHeaders.CONTENT_TYPE)).orElse(expected);
            ContentResult content = codecs.get(s).decodeContent(m.body());
            if (content instanceof ContentResult.Failed f) {
                throw new UndecodableBody("upstream answered HTTP " + m.status() + " with a body that is not "
                        + s.token() + ": " + f.reason());
            }
            b.pc(((ContentResult.Decoded) content).content());
        }
        return b.build();
    }

    /** A body of only whitespace (tinyIoT adds CRLF) is no content. */
    private static boolean isBlank(byte[] body) {
        for (byte x : body) {
            if (x != ' ' && x != '\r' && x != '\n' && x != '\t') {
                return false;
            }
        }
        return true;
    }
}
