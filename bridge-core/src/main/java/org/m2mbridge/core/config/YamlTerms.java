package org.m2mbridge.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A binding error said in the words of the file an operator wrote ("expected a number, found a list") instead of
 * Jackson's ({@code java.lang.Integer}, {@code JsonToken.START_ARRAY}). One place for the mapping from Java types and
 * tokens to YAML terms.
 */
final class YamlTerms {

    private YamlTerms() {
    }

    /**
     * "expected a whole number, found a list", or null when the exception carries no target type.
     *
     * @param found what the file has there, from the pre-scan ({@link KeyLines#valueAt}), or null
     */
    static String mismatch(MismatchedInputException e, String found) {
        Class<?> target = e.getTargetType();
        if (target == null) {
            return null;
        }
        if (found == null && e instanceof InvalidFormatException f && f.getValue() != null) {
            found = f.getValue() instanceof String s ? "the text '" + s + "'" : String.valueOf(f.getValue());
        }
        return "expected " + expected(target) + (found == null ? "" : ", found " + found);
    }

    /** What a value of {@code type} is called in YAML. */
    static String expected(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == Short.class || type == short.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "text";
        }
        if (type == Duration.class) {
            return "a duration such as 500ms, 30s or 5m";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants())
                    .map(c -> c.toString().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a section of key: value lines";
        }
        return "another kind of value";
    }

    /** The value at the parser's current token, as YAML would call it. */
    static String found(JsonParser p) {
        JsonToken t = p.currentToken();
        try {
            return switch (t) {
                case START_ARRAY, END_ARRAY -> "a list";
                case START_OBJECT, END_OBJECT, FIELD_NAME -> "a section";
                case VALUE_STRING -> "the text '" + p.getText() + "'";
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "the number " + p.getText();
                case VALUE_TRUE, VALUE_FALSE -> "the boolean " + p.getText();
                case VALUE_NULL -> "an empty value";
                default -> null;
            };
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
