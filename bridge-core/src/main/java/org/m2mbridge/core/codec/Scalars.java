package org.m2mbridge.core.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Lenient reading of scalar values as peers send them (docs/spec/peers.md PEER-J-1, PEER-J-2): integers as
 * numeric strings (nCube-Thyme) or integral floats (tinyIoT), booleans as strings. Canonical output is a number
 * or boolean node (TS-0004 8.4.2).
 */
final class Scalars {
    private static final int MAX_INTEGER_TEXT = 20;

    private Scalars() {
    }

    /** The integral value of {@code n} (number, integral float, or integer text), or null if it has none. */
    static Long integral(JsonNode n) {
        if (n == null) {
            return null;
        }
        if (n.isIntegralNumber()) {
            return n.canConvertToLong() ? n.longValue() : null;
        }
        if (n.isFloatingPointNumber()) {
            double d = n.doubleValue();
            return d == Math.rint(d) && Math.abs(d) < 0x1p62 ? (long) d : null;
        }
        return n.isTextual() ? integral(n.textValue()) : null;
    }

    /** Integer text ({@code "3"}, {@code "-1"}, {@code "2.0"}); bounded length, no exponent forms. */
    static Long integral(String s) {
        String t = s.trim();
        if (t.isEmpty() || t.length() > MAX_INTEGER_TEXT) {
            return null;
        }
        int dot = t.indexOf('.');
        if (dot >= 0) {
            for (int i = dot + 1; i < t.length(); i++) {
                if (t.charAt(i) != '0') {
                    return null;
                }
            }
            t = t.substring(0, dot);
        }
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static JsonNode number(long v) {
        return v == (int) v ? IntNode.valueOf((int) v) : LongNode.valueOf(v);
    }

    /** Boolean value of a boolean node or of the text {@code true}/{@code false}, else null. */
    static Boolean bool(JsonNode n) {
        if (n == null) {
            return null;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        return n.isTextual() ? bool(n.textValue()) : null;
    }

    static Boolean bool(String s) {
        String t = s.trim();
        if (t.equalsIgnoreCase("true")) {
            return Boolean.TRUE;
        }
        return t.equalsIgnoreCase("false") ? Boolean.FALSE : null;
    }

    /** Text of a scalar; integral numbers without a fraction ({@code rvi: 3} gives "3"). Null for containers. */
    static String text(JsonNode n) {
        if (n == null || n.isContainerNode() || n.isNull() || n.isMissingNode()) {
            return null;
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isNumber()) {
            Long l = integral(n);
            return l != null ? l.toString() : n.asText();
        }
        return n.asText();
    }

    /** Typed node for text read from XML, per the kind of its name (TS-0004 8.3 carries everything as text). */
    static JsonNode typed(ShortNames.Kind kind, String text) {
        if (kind == ShortNames.Kind.INTEGER) {
            Long l = integral(text);
            return l != null ? number(l) : TextNode.valueOf(text);
        }
        if (kind == ShortNames.Kind.BOOLEAN) {
            Boolean b = bool(text);
            return b != null ? BooleanNode.valueOf(b) : TextNode.valueOf(text);
        }
        return TextNode.valueOf(text);
    }
}
