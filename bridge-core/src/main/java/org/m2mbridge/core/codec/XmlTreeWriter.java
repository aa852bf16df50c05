package org.m2mbridge.core.codec;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Writes a short-name tree as oneM2M XML (TS-0004 8.3) with StAX: parameters and attributes as unprefixed
 * elements, prefixed keys ({@code m2m:cnt}) as prefixed elements, a resource's {@code rn} as an XML attribute,
 * lists of scalars known to {@link ShortNames} as space-separated text, other arrays as repeated elements, and
 * null as an empty element. Element order is the tree's order ({@link PrimitiveTree} emits XSD order).
 * What XML cannot represent never reaches the output, so hostile input from a JSON or CBOR peer can neither
 * inject markup into nor break the XML the bridge forwards: members whose key is not an XML name are left out
 * (the StAX writer would copy such a key verbatim), and characters XML 1.0 forbids (control characters, lone
 * surrogates, U+FFFE/U+FFFF) are written as U+FFFD.
 */
final class XmlTreeWriter {
    private static final String M2M = "m2m";

    private final XMLOutputFactory factory = XMLOutputFactory.newFactory();

    /** A whole primitive under {@code m2m:rqp} or {@code m2m:rsp}. */
    byte[] writePrimitive(String rootLocalName, JsonNode tree) {
        return write(w -> {
            w.writeStartElement(M2M, rootLocalName, XmlTreeReader.NS);
            w.writeNamespace(M2M, XmlTreeReader.NS);
            children(w, ShortNames.PRIMITIVE, tree);
            w.writeEndElement();
        });
    }

    /**
     * A bare content: its single root member is the document element ({@code <m2m:cnt rn="c1">}); anything else
     * (several members, a plain string) goes under an unprefixed {@code pc} element so that nothing is dropped.
     */
    byte[] writeContent(JsonNode content) {
        return write(w -> {
            if (content.isObject() && content.size() == 1 && isXmlName(content.fieldNames().next())) {
                Map.Entry<String, JsonNode> root = content.properties().iterator().next();
                element(w, ShortNames.CONTENT, root.getKey(), root.getValue(), true);
            } else {
                w.writeStartElement(ShortNames.CONTENT);
                w.writeNamespace(M2M, XmlTreeReader.NS);
                body(w, ShortNames.PRIMITIVE, ShortNames.CONTENT, content);
                w.writeEndElement();
            }
        });
    }

    private interface Body {
        void write(XMLStreamWriter w) throws XMLStreamException;
    }

    private byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try {
            XMLStreamWriter w = factory.createXMLStreamWriter(out, "UTF-8");
            w.writeStartDocument("UTF-8", "1.0");
            body.write(w);
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write XML", e);
        }
        return out.toByteArray();
    }

    private void children(XMLStreamWriter w, String parent, JsonNode obj) throws XMLStreamException {
        for (Map.Entry<String, JsonNode> e : obj.properties()) {
            field(w, parent, e.getKey(), e.getValue());
        }
    }

    private void field(XMLStreamWriter w, String parent, String name, JsonNode v) throws XMLStreamException {
        if (v.isArray() && !isSpaceSeparated(parent, name, v)) {
            if (v.isEmpty()) {
                element(w, parent, name, v, false);
            }
            for (JsonNode item : v) {
                field(w, parent, name, item);
            }
            return;
        }
        element(w, parent, name, v, false);
    }

    private void element(XMLStreamWriter w, String parent, String name, JsonNode v, boolean documentRoot)
            throws XMLStreamException {
        if (!isXmlName(name)) {
            return;
        }
        int colon = name.indexOf(':');
        if (colon > 0) {
            String prefix = name.substring(0, colon);
            w.writeStartElement(prefix, name.substring(colon + 1), namespace(prefix));
            if (documentRoot || !prefix.equals(M2M)) {
                w.writeNamespace(prefix, namespace(prefix));
            }
        } else {
            w.writeStartElement(name);
        }
        if (documentRoot && !name.startsWith(M2M + ":")) {
            w.writeNamespace(M2M, XmlTreeReader.NS); // nested m2m: elements need it declared (found by fuzzing)
        }
        body(w, parent, name, v);
        w.writeEndElement();
    }

    /** Content of element {@code name}: a resource's {@code rn} goes into an attribute (TS-0004 8.3). */
    private void body(XMLStreamWriter w, String parent, String name, JsonNode v) throws XMLStreamException {
        if (v.isObject()) {
            JsonNode rn = v.get("rn");
            boolean rnAttribute = name.indexOf(':') > 0 && rn != null && rn.isTextual();
            if (rnAttribute) {
                w.writeAttribute("rn", xmlText(rn.textValue()));
            }
            for (Map.Entry<String, JsonNode> e : v.properties()) {
                if (!(rnAttribute && e.getKey().equals("rn"))) {
                    field(w, name, e.getKey(), e.getValue());
                }
            }
        } else if (isSpaceSeparated(parent, name, v)) {
            w.writeCharacters(xmlText(joined(v)));
        } else if (v.isArray()) {
            for (JsonNode item : v) {
                field(w, parent, name, item);
            }
        } else if (!v.isNull()) {
            w.writeCharacters(xmlText(Scalars.text(v)));
        }
    }

    /**
     * An element name this writer can emit: an ASCII NCName, optionally {@code prefix:local} (XML Namespaces 3).
     * Every oneM2M short name and specialization prefix is one; {@code xml...} prefixes are reserved.
     */
    static boolean isXmlName(String name) {
        int colon = name.indexOf(':');
        if (colon < 0) {
            return isNcName(name);
        }
        String prefix = name.substring(0, colon);
        return isNcName(prefix) && isNcName(name.substring(colon + 1))
                && !prefix.regionMatches(true, 0, "xml", 0, 3);
    }

    private static boolean isNcName(String s) {
        if (s.isEmpty() || !(isAsciiLetter(s.charAt(0)) || s.charAt(0) == '_')) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** {@code s} with every character XML 1.0 forbids (production Char, section 2.2) replaced by U+FFFD. */
    static String xmlText(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            boolean allowed = pair || c == '\t' || c == '\n' || c == '\r'
                    || (c >= 0x20 && c <= 0xFFFD && !Character.isSurrogate(c));
            if (!allowed && out == null) {
                out = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (out != null) {
                out.append(allowed ? c : '\uFFFD');
                if (pair) {
                    out.append(s.charAt(++i));
                }
            } else if (pair) {
                i++;
            }
        }
        return out == null ? s : out.toString();
    }

    /** {@code m2m} is the oneM2M protocols namespace; other prefixes (specializations) get a derived URI. */
    private static String namespace(String prefix) {
        return prefix.equals(M2M) ? XmlTreeReader.NS : XmlTreeReader.NS + "/" + prefix;
    }

    /** Lists of scalars known to {@link ShortNames} are space-separated text (TS-0004 8.3). */
    private static boolean isSpaceSeparated(String parent, String name, JsonNode v) {
        return v.isArray() && ShortNames.isList(ShortNames.kind(parent, name)) && allScalars(v);
    }

    private static boolean allScalars(JsonNode a) {
        for (JsonNode item : a) {
            if (item.isContainerNode() || item.isNull()) {
                return false;
            }
        }
        return !a.isEmpty();
    }

    private static String joined(JsonNode a) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode item : a) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(Scalars.text(item));
        }
        return sb.toString();
    }
}
