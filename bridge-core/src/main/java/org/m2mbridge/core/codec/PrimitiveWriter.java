package org.m2mbridge.core.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.m2mbridge.core.primitive.Primitive;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;

/**
 * Writes a primitive straight to a JSON or CBOR generator, byte for byte what serialising
 * {@link PrimitiveTree#encode} gives (same parameters, same XSD order, same number and container forms), without
 * building that tree first: the tree cost about a kilobyte of garbage per forwarded primitive (measured with
 * {@code bench}'s CodecBenchmark). Content values ({@code pc}, {@code aus}, {@code fc} members) are trees already
 * and are written as such. Primitives with unknown parameters ({@code extra}) keep the tree path, which owns the
 * rule for names that collide with known ones.
 */
final class PrimitiveWriter {
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
        g.writeStartObject(r, 1 + n(r.to()) + n(r.fr()) + n(r.rqi()) + n(r.ty()) + n(r.pc()) + n(r.rids()) + n(r.ot())
                + n(r.rqet()) + n(r.rset()) + n(r.oet()) + n(r.rt()) + n(r.rp()) + n(r.rcn()) + n(r.ec()) + n(r.da())
                + n(r.gid()) + n(r.fc()) + n(r.drt()) + n(r.tkns()) + n(r.tids()) + n(r.ltids()) + n(r.tqi())
                + n(r.grtm()) + n(r.asi()) + n(r.aus()) + n(r.auri()) + n(r.sqi()) + n(r.rvi()) + n(r.vsi()));
        g.writeNumberField("op", r.op().code());
        text("to", r.to());
        text("fr", r.fr());
        text("rqi", r.rqi());
        integer("ty", r.ty());
        node("pc", r.pc());
        list("rids", r.rids());
        text("ot", r.ot());
        text("rqet", r.rqet());
        text("rset", r.rset());
        text("oet", r.oet());
        if (r.rt() != null) {
            g.writeFieldName("rt");
            g.writeStartObject(r.rt(), n(r.rt().rtv()) + (r.rt().nu().isEmpty() ? 0 : 1));
            integer("rtv", r.rt().rtv());
            if (!r.rt().nu().isEmpty()) {
                list("nu", r.rt().nu());
            }
            g.writeEndObject();
        }
        text("rp", r.rp());
        integer("rcn", r.rcn());
        integer("ec", r.ec());
        bool("da", r.da());
        text("gid", r.gid());
        if (r.fc() != null) {
            g.writeFieldName("fc");
            g.writeStartObject(r.fc(), r.fc().members().size());
            for (Map.Entry<String, JsonNode> m : r.fc().members().entrySet()) {
                g.writeFieldName(m.getKey());
                tree(m.getValue());
            }
            g.writeEndObject();
        }
        integer("drt", r.drt());
        list("tkns", r.tkns());
        list("tids", r.tids());
        list("ltids", r.ltids());
        bool("tqi", r.tqi());
        list("grtm", r.grtm());
        bool("asi", r.asi());
        node("aus", r.aus());
        bool("auri", r.auri());
        bool("sqi", r.sqi());
        text("rvi", r.rvi());
        text("vsi", r.vsi());
        g.writeEndObject();
    }

    private void response(ResponsePrimitive r) throws IOException {
        g.writeStartObject(r, 1 + n(r.rqi()) + n(r.pc()) + n(r.to()) + n(r.fr()) + n(r.ot()) + n(r.rset()) + n(r.ec())
                + n(r.cnst()) + n(r.cnot()) + n(r.ati()) + n(r.tqf()) + n(r.asri()) + n(r.rvi()) + n(r.vsi()));
        g.writeNumberField("rsc", r.rsc());
        text("rqi", r.rqi());
        node("pc", r.pc());
        text("to", r.to());
        text("fr", r.fr());
        text("ot", r.ot());
        text("rset", r.rset());
        integer("ec", r.ec());
        integer("cnst", r.cnst());
        integer("cnot", r.cnot());
        node("ati", r.ati());
        node("tqf", r.tqf());
        bool("asri", r.asri());
        text("rvi", r.rvi());
        text("vsi", r.vsi());
        g.writeEndObject();
    }

    private static int n(Object v) {
        return v == null ? 0 : 1;
    }

    private void text(String name, String v) throws IOException {
        if (v != null) {
            g.writeStringField(name, v);
        }
    }

    private void integer(String name, Integer v) throws IOException {
        if (v != null) {
            g.writeNumberField(name, v.intValue());
        }
    }

    private void bool(String name, Boolean v) throws IOException {
        if (v != null) {
            g.writeBooleanField(name, v);
        }
    }

    private void node(String name, JsonNode v) throws IOException {
        if (v != null) {
            g.writeFieldName(name);
            tree(v);
        }
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
