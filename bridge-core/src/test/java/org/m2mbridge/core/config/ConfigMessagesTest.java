package org.m2mbridge.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Issue 16.5: what the loader says about a file it refuses. Exact lines for unknown keys in block and flow style,
 * duplicated keys and sections refused naming both lines, type errors in YAML terms, one rule for booleans, and
 * URL ports checked naming the upstream's key.
 */
class ConfigMessagesTest {
    private static final String HEAD = """
            listeners:
              ws:
                host: 127.0.0.1
                port: 8180
            """;

    private static String error(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml)).getMessage();
    }

    /**
     * A block-style unknown key with children, followed by blank and comment lines: Jackson gives up after skipping
     * the children, at the next key's line. The key's own line is what the operator must edit.
     */
    @Test
    void anUnknownBlockKeyIsReportedOnItsOwnLine() {
        String yaml = HEAD + """
                  admin:
                    port: 9180
                    publicUrl: http://10.0.0.5:9180
                    timeouts:
                      header: 5s
                      idle: 30s

                # comment lines before the next section

                timeouts:
                  request: 30s
                """;
        String m = error(yaml);
        assertTrue(m.contains("listeners.admin.timeouts: unknown key (line 8)"), m);
    }

    @Test
    void anUnknownTopLevelSectionIsReportedOnItsOwnLine() {
        String m = error(HEAD + "\n\n# x\nlimtis:\n  maxConnections: 10\n  maxMessageBytes: 1000\n\nstore: {}\n");
        assertTrue(m.contains("limtis: unknown key (line 8)"), m);
    }

    @Test
    void anUnknownFlowKeyIsReportedOnItsLine() {
        String m = error(HEAD + "upstreams:\n  - { name: a, binding: http,\n      url: \"http://127.0.0.1:8080\", "
                + "cseid: /id-in }\n");
        assertTrue(m.contains("upstreams[0].cseid: unknown key (line 7)"), m);
    }

    @Test
    void aDuplicatedSectionIsRefusedNamingBothLines() {
        String m = error(HEAD + "timeouts: { request: 5s }\nlisteners:\n  admin: { port: 1 }\n");
        assertTrue(m.contains("listeners: appears twice in the same section (lines 1 and 6)"), m);
        assertFalse(m.contains("creator"), m);
    }

    @Test
    void aDuplicateKeyInABlockOrFlowMapIsRefused() {
        String block = error(HEAD + "    port: 8181\n");
        assertTrue(block.contains("listeners.ws.port: appears twice in the same section (lines 4 and 5)"), block);
        String flow = error(HEAD + "  admin: { port: 1, host: 127.0.0.1, port: 2 }\n");
        assertTrue(flow.contains("listeners.admin.port: appears twice in the same section (line 5)"), flow);
    }

    @Test
    void typeErrorsAreSaidInYamlTerms() {
        String list = error(HEAD + "  admin: { port: [9180] }\n");
        assertTrue(list.contains("listeners.admin.port: expected a whole number, found a list (line 5)"), list);
        String word = error(HEAD + "  admin: { port: eighty }\n");
        assertTrue(word.contains("expected a whole number, found the text 'eighty'"), word);
        String section = error(HEAD + "upstreams: { name: a }\n");
        assertTrue(section.contains("upstreams: expected a list, found a section (line 5)"), section);
        String notSection = error(HEAD + "store: [1, 2]\n");
        assertTrue(notSection.contains("store: expected a section of key: value lines, found a list"), notSection);
        for (String m : new String[] {list, word, section, notSection}) {
            assertFalse(m.contains("java.") || m.contains("JsonToken") || m.contains("`"), m);
        }
    }

    @Test
    void anUpstreamUrlWithAnImpossiblePortNamesTheUpstreamsKey() {
        String m = error(HEAD + "upstreams:\n  - name: a\n    binding: http\n    url: http://127.0.0.1:80800\n"
                + "    cseId: /id-in\n");
        assertTrue(m.contains("upstreams[0].url: port 80800 is out of range 1..65535") && m.contains("(line 8)"), m);
        assertFalse(m.contains("listeners"), m);
        String noHost = error(HEAD + "upstreams:\n  - { name: c, binding: ws, url: \"ws:///x\", cseId: /id-in }\n");
        assertTrue(noHost.contains("upstreams[0].url: has no host"), noHost);
        assertEquals(8080, java.net.URI.create(ConfigLoader.parse(HEAD + "upstreams:\n  - { name: d, binding: http, "
                + "url: \"http://127.0.0.1:8080\", cseId: /id-in }\n").upstreams().get(0).url()).getPort());
    }
}
