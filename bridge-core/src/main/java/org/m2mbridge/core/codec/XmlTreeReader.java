package org.m2mbridge.core.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayInputStream;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads a oneM2M XML document (TS-0004 8.3) into the same short-name tree JSON gives, with StAX: element and
 * attribute names become keys ({@code m2m:cnt} keeps its prefix, {@code rn="c1"} becomes {@code "rn":"c1"}),
 * repeated elements become arrays, an empty element is null, and text is typed through {@link ShortNames}
 * (numbers, booleans, space-separated lists). DTDs are refused outright, so no entity is ever expanded;
 * depth is capped by {@link CodecLimits}.
 */
final class XmlTreeReader {
    static final String NS = "http://www.onem2m.org/xml/protocols";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final XMLInputFactory factory;
    private final int maxDepth;

    XmlTreeReader(CodecLimits limits) {
        this.maxDepth = limits.maxDepth();
        factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
        factory.setXMLResolver((publicId, systemId, base, ns) -> {
            throw new XMLStreamException("external entities are not allowed");
        });
    }

    /** A whole primitive: the root must be {@code m2m:rqp} or {@code m2m:rsp}; its children are parameters. */
    JsonNode readPrimitive(byte[] bytes) throws DecodeFailure, XMLStreamException {
        XMLStreamReader r = open(bytes);
        try {
            String root = r.getLocalName();
            if (!root.equals("rqp") && !root.equals("rsp")) {
                throw new DecodeFailure("XML root is neither m2m:rqp nor m2m:rsp");
            }
            JsonNode tree = element(r, null, ShortNames.PRIMITIVE, 1);
            finish(r);
            return tree.isNull() ? NODES.objectNode() : tree;
        } finally {
            r.close();
        }
    }

    /** A bare content: the root is the resource element ({@code <m2m:cnt rn="c1">}) or a {@code pc} wrapper. */
    JsonNode readContent(byte[] bytes) throws DecodeFailure, XMLStreamException {
        XMLStreamReader r = open(bytes);
        try {
            JsonNode tree;
            if (r.getLocalName().equals("pc") && r.getPrefix().isEmpty()) {
                tree = element(r, ShortNames.PRIMITIVE, ShortNames.CONTENT, 1);
            } else {
                String key = name(r, true);
                tree = NODES.objectNode().set(key, element(r, ShortNames.CONTENT, key, 1));
            }
            finish(r);
            return tree;
        } finally {
            r.close();
        }
    }

    private XMLStreamReader open(byte[] bytes) throws DecodeFailure, XMLStreamException {
        XMLStreamReader r = factory.createXMLStreamReader(new ByteArrayInputStream(bytes));
        while (r.hasNext()) {
            int event = r.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                return r;
            }
            refuseDtd(event);
        }
        throw new DecodeFailure("XML document has no root element");
    }

    private static void refuseDtd(int event) throws DecodeFailure {
        if (event == XMLStreamConstants.DTD || event == XMLStreamConstants.ENTITY_REFERENCE
                || event == XMLStreamConstants.ENTITY_DECLARATION) {
            throw new DecodeFailure("DTDs and entities are not allowed in XML");
        }
    }

    private static void finish(XMLStreamReader r) throws DecodeFailure, XMLStreamException {
        while (r.hasNext()) {
            refuseDtd(r.next());
        }
    }

    /**
     * The element the reader is on (a START_ELEMENT), read up to its END_ELEMENT. {@code parent} and {@code key}
     * name it for typing; null parent means the document root of a primitive.
     */
    private JsonNode element(XMLStreamReader r, String parent, String key, int depth)
            throws DecodeFailure, XMLStreamException {
        if (depth > maxDepth) {
            throw new DecodeFailure("XML nesting deeper than " + maxDepth, true);
        }
        ObjectNode obj = attributes(r, key);
        StringBuilder text = null;
        while (true) {
            int event = r.next();
            switch (event) {
                case XMLStreamConstants.START_ELEMENT -> {
                    String childKey = name(r, ShortNames.CONTENT.equals(key) && parent != null);
                    JsonNode child = element(r, key, childKey, depth + 1);
                    obj = obj == null ? NODES.objectNode() : obj;
                    add(obj, childKey, child);
                }
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                    text = text == null ? new StringBuilder() : text;
                    text.append(r.getText());
                }
                case XMLStreamConstants.END_ELEMENT -> {
                    return finishElement(parent, key, obj, text);
                }
                default -> refuseDtd(event);
            }
        }
    }

    private static JsonNode finishElement(String parent, String key, ObjectNode obj, StringBuilder text)
            throws DecodeFailure {
        if (obj != null) {
            if (text != null && !text.toString().isBlank()) {
                throw new DecodeFailure("mixed text and elements in <" + key + "> are not supported");
            }
            return obj;
        }
        if (text == null || text.length() == 0) {
            return NullNode.getInstance();
        }
        return typed(parent, key, text.toString());
    }

    private static ObjectNode attributes(XMLStreamReader r, String key) {
        ObjectNode obj = null;
        for (int i = 0; i < r.getAttributeCount(); i++) {
            if (XMLConstants.W3C_XML_SCHEMA_INSTANCE_NS_URI.equals(r.getAttributeNamespace(i))) {
                continue;
            }
            String prefix = r.getAttributePrefix(i);
            String name = prefix == null || prefix.isEmpty() ? r.getAttributeLocalName(i)
                    : prefix + ':' + r.getAttributeLocalName(i);
            obj = obj == null ? NODES.objectNode() : obj;
            obj.set(name, typed(key, name, r.getAttributeValue(i)));
        }
        return obj;
    }

    /** Typed value of text: lists are space-separated (TS-0004 8.3), list items typed like their list. */
    private static JsonNode typed(String parent, String key, String text) {
        ShortNames.Kind kind = ShortNames.kind(parent == null ? ShortNames.PRIMITIVE : parent, key);
        if (kind == null) {
            return TextNode.valueOf(text);
        }
        if (!ShortNames.isList(kind)) {
            return Scalars.typed(kind, text);
        }
        ShortNames.Kind item = kind == ShortNames.Kind.INTEGER_LIST ? ShortNames.Kind.INTEGER : ShortNames.Kind.STRING;
        ArrayNode a = NODES.arrayNode();
        for (String s : text.trim().split("\\s+")) {
            if (!s.isEmpty()) {
                a.add(Scalars.typed(item, s));
            }
        }
        return a;
    }

    /** Key of the current element: {@code prefix:local}, or {@code m2m:local} for an unprefixed oneM2M root. */
    private static String name(XMLStreamReader r, boolean contentRoot) {
        String prefix = r.getPrefix();
        String local = r.getLocalName();
        if (prefix == null || prefix.isEmpty()) {
            return contentRoot && NS.equals(r.getNamespaceURI()) ? "m2m:" + local : local;
        }
        return prefix + ':' + local;
    }

    /** Repeated elements (maxOccurs > 1) become an array; repeated lists are concatenated. */
    private static void add(ObjectNode obj, String key, JsonNode child) {
        JsonNode existing = obj.get(key);
        if (existing == null) {
            obj.set(key, child);
        } else if (existing instanceof ArrayNode a) {
            if (child instanceof ArrayNode more) {
                a.addAll(more);
            } else {
                a.add(child);
            }
        } else {
            obj.set(key, NODES.arrayNode().add(existing).add(child));
        }
    }
}
