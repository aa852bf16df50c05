package org.m2mbridge.core.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NumericNode;

/** JSON serialization (TS-0004 8.4): one flat UTF-8 object with short names. Thread-safe. */
public final class JsonCodec extends TreeCodec {

    public JsonCodec(CodecLimits limits) {
        super(strictMapper(JsonFactory.builder(), f -> JsonMapper.builder(f).nodeFactory(new FiniteNumbers()), limits),
                limits, RequestIdScan.Format.JSON, "JSON");
    }

    @Override
    public Serialization serialization() {
        return Serialization.JSON;
    }

    /**
     * JSON has no infinities (RFC 8259 section 6), so a double that is not finite can only come from a literal
     * too large for a double ({@code 1e400}). Refused (4000) rather than forwarded as {@code "Infinity"}, a
     * different value; found by the codec fuzz test.
     */
    private static final class FiniteNumbers extends JsonNodeFactory {
        private static final long serialVersionUID = 1L;

        @Override
        public NumericNode numberNode(double v) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("number out of range");
            }
            return super.numberNode(v);
        }

        @Override
        public NumericNode numberNode(float v) {
            return numberNode((double) v);
        }
    }
}
