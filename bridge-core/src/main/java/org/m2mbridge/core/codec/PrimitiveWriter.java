package org.m2mbridge.core.codec;

import static org.m2mbridge.core.primitive.PrimitiveParameter.RSC;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.m2mbridge.core.primitive.FilterCriteria;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.Primitive;
import org.m2mbridge.core.primitive.PrimitiveParameter;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseTypeInfo;

/**
 * Writes a primitive straight to a JSON or CBOR generator, byte for byte what serialising
 * {@link PrimitiveTree#encode} gives (same parameters, same XSD order, same number and container forms), without
 * building that tree first: the tree cost about a kilobyte of garbage per forwarded primitive (measured with
 * {@code bench}'s CodecBenchmark). Content values ({@code pc}, {@code aus}, {@code fc} members) are trees already
 * and are written as such. Primitives with unknown parameters ({@code extra}) keep the tree path, which owns the
 * rule for names that collide with known ones.
 */
final class PrimitiveWriter {
    /** The table's orders as arrays: a for-each over a List allocates an iterator per primitive. */
    private static final PrimitiveParameter[] REQUEST = PrimitiveParameter.request().toArray(PrimitiveParameter[]::new);
    private static final PrimitiveParameter[] RESPONSE =
            PrimitiveParameter.response().toArray(PrimitiveParameter[]::new);
    private final ObjectMapper mapper;
    private final JsonGenerator g;

    private PrimitiveWriter(ObjectMapper mapper, JsonGenerator g) {
        this.mapper = mapper;
        this.g = g;
    }

    /** Whether {@link #write} produces the canonical form for {@code p} (else use the tree path). */
    static boolean handles(Primitive p) {
        return p.extra().isEmpty();
    }

    static void write(ObjectMapper mapper, JsonGenerator g, Primitive p) throws IOException {
        PrimitiveWriter w = new PrimitiveWriter(mapper, g);
        if (p instanceof RequestPrimitive r) {
            w.request(r);
        } else {
            w.response((ResponsePrimitive) p);
        }
    }

    private void request(RequestPrimitive r) throws IOException {
        // ObjectNode writes its size up front (a definite-length map in CBOR, RFC 8949 3.1); so must we.
        int size = 0;
        for (PrimitiveParameter p : REQUEST) {
            size += n(p.get(r));
        }
        g.writeStartObject(r, size);
        for (PrimitiveParameter p : REQUEST) {
            value(p, p.get(r));
        }
        g.writeEndObject();
    }

    private void response(ResponsePrimitive r) throws IOException {
        int size = 1;
        for (PrimitiveParameter p : RESPONSE) {
            size += p == RSC ? 0 : n(p.get(r));
        }
        g.writeStartObject(r, size);
        g.writeNumberField(RSC.shortName(), r.rsc()); // unboxed: rsc is the one int parameter
        for (PrimitiveParameter p : RESPONSE) {
            if (p != RSC) {
                value(p, p.get(r));
            }
        }
        g.writeEndObject();
    }

    /** One parameter, in the form {@link PrimitiveTree#encode} gives it; nothing when absent. */
    @SuppressWarnings("unchecked")
    private void value(PrimitiveParameter p, Object v) throws IOException {
        if (v == null) {
            return;
        }
        String name = p.shortName();
        switch (p.type()) {
            case OPERATION -> g.writeNumberField(name, ((Operation) v).code());
            case STATUS, INTEGER -> g.writeNumberField(name, ((Integer) v).intValue());
            case STRING -> g.writeStringField(name, (String) v);
            case BOOLEAN -> g.writeBooleanField(name, (Boolean) v);
            case STRING_LIST -> list(name, (List<String>) v);
            case OBJECT_LIST, CONTENT, NODE -> {
                g.writeFieldName(name);
                tree((JsonNode) v);
            }
            case RESPONSE_TYPE -> responseType(name, (ResponseTypeInfo) v);
            case FILTER_CRITERIA -> filterCriteria(name, (FilterCriteria) v);
        }
    }

    private void responseType(String name, ResponseTypeInfo rt) throws IOException {
        g.writeFieldName(name);
        g.writeStartObject(rt, n(rt.rtv()) + (rt.nu().isEmpty() ? 0 : 1));
        if (rt.rtv() != null) {
            g.writeNumberField(ResponseTypeInfo.RTV, rt.rtv().intValue());
        }
        if (!rt.nu().isEmpty()) {
            list(ResponseTypeInfo.NU, rt.nu());
        }
        g.writeEndObject();
    }

    private void filterCriteria(String name, FilterCriteria fc) throws IOException {
        g.writeFieldName(name);
        g.writeStartObject(fc, fc.members().size());
        for (Map.Entry<String, JsonNode> m : fc.members().entrySet()) {
            g.writeFieldName(m.getKey());
            tree(m.getValue());
        }
        g.writeEndObject();
    }

    private static int n(Object v) {
        return v == null ? 0 : 1;
    }

    private void tree(JsonNode v) throws IOException {
        if (v == null) {
            g.writeNull(); // ObjectNode.setAll turns a Java null member into a JSON null
        } else {
            mapper.writeTree(g, v);
        }
    }

    private void list(String name, List<String> v) throws IOException {
        if (v != null) {
            g.writeFieldName(name);
            // ArrayNode writes its size up front (a definite-length array in CBOR); so must we.
            g.writeStartArray(v, v.size());
            for (String s : v) {
                g.writeString(s);
            }
            g.writeEndArray();
        }
    }
}
