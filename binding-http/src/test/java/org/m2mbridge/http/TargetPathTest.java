package org.m2mbridge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The request-target path of each {@code to} form and back (TS-0009 6.2.2.1; TS-0004 7.2 addressing): CSE-relative
 * {@code x} is {@code /x}, SP-relative {@code /x} is {@code /~/x}, absolute {@code //x} is {@code /_/x}.
 */
class TargetPathTest {

    static Stream<Arguments> paths() {
        return Stream.of(
                Arguments.of("CSE-relative", "cse-in/ae1", "/cse-in/ae1"),
                Arguments.of("SP-relative", "/id-in/cse-in/ae1", "/~/id-in/cse-in/ae1"),
                Arguments.of("absolute", "//sp.example/id-in/cse-in", "/_/sp.example/id-in/cse-in"),
                Arguments.of("SP-relative CSE-ID alone", "/id-in", "/~/id-in"),
                Arguments.of("empty: the CSE's root", "", "/"),
                Arguments.of("absent: the CSE's root", null, "/"),
                Arguments.of("space escaped", "cse-in/a b", "/cse-in/a%20b"),
                Arguments.of("query and fragment marks escaped", "cse-in/x?y#z", "/cse-in/x%3Fy%23z"),
                Arguments.of("percent escaped", "cse-in/50%", "/cse-in/50%25"),
                Arguments.of("UTF-8 escaped", "cse-in/\u00e4", "/cse-in/%C3%A4"),
                Arguments.of("pchar kept (RFC 3986)", "cse-in/a:b@c-d._~!$&'()*+,;=", "/cse-in/a:b@c-d._~!$&'()*+,;="));
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @MethodSource("paths")
    void pathOfEachToForm(String form, String to, String path) {
        assertEquals(path, TargetPath.pathOf(to));
    }

    /** What a receiver reads back from the same path: the {@code to} it was made from. */
    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("paths")
    void theToComesBackFromItsPath(String form, String to, String path) {
        assertEquals(to == null ? "" : to, TargetPath.toOf(TargetPath.decode(path)));
    }

    static Stream<Arguments> receivedPaths() {
        return Stream.of(
                Arguments.of("/cse-in/ae1", "cse-in/ae1"),
                Arguments.of("/~/id-in/cse-in", "/id-in/cse-in"),
                Arguments.of("/_/sp.example/id-in", "//sp.example/id-in"),
                Arguments.of("cse-in/ae1", "cse-in/ae1"),   // no leading slash: tinyIoT's notifications
                Arguments.of("/", ""),
                Arguments.of("/~", "~"),                  // not the SP-relative prefix without its slash
                Arguments.of("/_x/ae1", "_x/ae1"));        // nor the absolute one
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("receivedPaths")
    void toOfAReceivedPath(String path, String to) {
        assertEquals(to, TargetPath.toOf(path));
    }

    static Stream<Arguments> escapes() {
        return Stream.of(
                Arguments.of("plain", "plain"),
                Arguments.of("a%20b", "a b"),
                Arguments.of("a+b", "a+b"),               // '+' is a space only in query strings
                Arguments.of("a+%41", "a+A"),
                Arguments.of("a%2Bb", "a+b"),
                Arguments.of("%C3%A4", "\u00e4"),
                Arguments.of("a%2", "a%2"),               // malformed: kept as it came
                Arguments.of("a%zz", "a%zz"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("escapes")
    void decodeOfAPathSegment(String raw, String decoded) {
        assertEquals(decoded, TargetPath.decode(raw));
    }
}
