package org.m2mbridge.ws.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.testing.ConfigRefusal;

/**
 * The {@code ws:} section, owned by this binding and read by core's strict loader (moved here from core's
 * ConfigLoaderTest and ConfigMessagesTest with the section, issue 17 item 1): same keys, same messages.
 */
class WsSettingsTest {
    private static final String HEAD = "listeners: { ws: { host: 127.0.0.1, port: 8180 } }\n";

    private static WsSettings ws(String yaml) {
        return WsSettings.of(ConfigLoader.parse(yaml));
    }

    @Test
    void webSocketIoThreadsDefaultToUndertowsDefault() {
        assertEquals(Math.max(2, Runtime.getRuntime().availableProcessors()), ws(HEAD).ioThreads());
        assertEquals(1, ws(HEAD + "ws: { ioThreads: 1 }\n").ioThreads());
        String m = ConfigRefusal.of(HEAD + "ws: { ioThreads: 0 }\n");
        assertTrue(m.contains("ws.ioThreads: must be positive (line 2)"), m);
    }

    @Test
    void aSectionThatIsNotOneIsSaidInYamlTerms() {
        String m = ConfigRefusal.of(HEAD + "ws: [1, 2]\n");
        assertTrue(m.contains("ws: expected a section of key: value lines, found a list"), m);
        String unknown = ConfigRefusal.of(HEAD + "ws: { deflat: true }\n");
        assertTrue(unknown.contains("ws.deflat: unknown key (line 2); known: ") && unknown.contains("deflate"), unknown);
    }

    /**
     * One rule (docs in README "Configuration reference"): a boolean is written unquoted, in any of YAML 1.1's words
     * (true/false, yes/no, on/off); a quoted value is text in YAML and is refused for a boolean key, whatever word it
     * holds, with a message saying to drop the quotes.
     */
    @Test
    void booleansFollowOneRule() {
        for (String word : new String[] {"yes", "on", "true", "True"}) {
            assertTrue(ws(HEAD + "ws: { deflate: " + word + " }\n").deflate(), word);
        }
        for (String word : new String[] {"no", "off", "false"}) {
            assertFalse(ws(HEAD + "ws: { deflate: " + word + " }\n").deflate(), word);
        }
        for (String quoted : new String[] {"\"yes\"", "\"true\"", "'no'"}) {
            String m = ConfigRefusal.of(HEAD + "ws: { deflate: " + quoted + " }\n");
            assertTrue(m.contains("ws.deflate: expected true or false, found the quoted text")
                    && m.contains("without quotes") && m.contains("(line 2)"), quoted + " -> " + m);
        }
        String number = ConfigRefusal.of(HEAD + "ws: { deflate: 1 }\n");
        assertTrue(number.contains("ws.deflate: expected true or false, found the number 1"), number);
    }
}
