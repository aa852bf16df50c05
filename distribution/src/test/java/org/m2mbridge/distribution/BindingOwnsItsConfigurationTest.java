package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.Binding;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.config.InstalledBindings;
import org.m2mbridge.core.testing.ConfigRefusal;

/**
 * Issue 17 item 1, the proof: {@link EchoBinding}, a test-only binding registered only on a class path entry of
 * its own, is discovered, configured from YAML (its listener, its section, its upstream kind) through the real
 * strict loader and started by the real bridge, with no change to core or distribution.
 */
@Timeout(60)
class BindingOwnsItsConfigurationTest {

    private static final String YAML = """
            listeners:
              ws:   { host: 127.0.0.1, port: 0 }
              echo: { host: 127.0.0.1, port: 0 }
            echo:
              greeting: hello
            upstreams:
              - { name: loop, binding: echo, cseId: /id-loop, echo: { label: first } }
            routes: { default: loop }
            timeouts: { shutdownGrace: 1s }
            store: { durable: false }
            """;

    /** The class path plus the echo binding's own entry, as lib/ with one more jar. */
    private static URLClassLoader withEchoJar() {
        URL entry = BindingOwnsItsConfigurationTest.class.getClassLoader().getResource("echo-binding/");
        return new URLClassLoader(new URL[] {entry}, BindingOwnsItsConfigurationTest.class.getClassLoader());
    }

    private static String refusal(String yaml, InstalledBindings installed) {
        return ConfigRefusal.of(yaml, installed);
    }

    @Test
    void withoutItsJarTheEchoKeysAreUnknown() {
        List<Binding> shipped = BindingDiscovery.discover(getClass().getClassLoader());
        assertEquals(List.of("ws", "http", "mqtt"), shipped.stream().map(Binding::name).toList());
        String m = refusal(YAML, InstalledBindings.of(shipped));
        assertTrue(m.contains("listeners.echo: unknown key (line 3)"), m);
    }

    @Test
    void echoJarIsDiscoveredConfiguredFromYamlAndStarted() throws IOException {
        try (URLClassLoader lib = withEchoJar()) {
            List<Binding> bindings = BindingDiscovery.discover(lib);
            assertEquals(List.of("ws", "http", "mqtt", "echo"), bindings.stream().map(Binding::name).toList());
            BridgeConfig config = ConfigLoader.parse(YAML, InstalledBindings.of(bindings));
            assertEquals("hello", config.section("echo", EchoBinding.EchoSettings.class).greeting());

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (Bridge bridge = Bridge.start(config, bindings, BridgeTest.announce(out))) {
                Matcher line = Pattern.compile("listening echo=(\\S+)").matcher(out.toString(StandardCharsets.UTF_8));
                assertTrue(line.find(), out.toString(StandardCharsets.UTF_8));
                URI echo = URI.create(line.group(1));
                assertEquals(echo, bridge.listeners().get("echo"));
                assertTrue(echo.getPort() > 0, echo.toString());
                try (Socket s = new Socket(echo.getHost(), echo.getPort())) {
                    s.setSoTimeout(5000);
                    OutputStream o = s.getOutputStream();
                    o.write("ping\n".getBytes(StandardCharsets.UTF_8));
                    o.flush();
                    String reply = new BufferedReader(new InputStreamReader(s.getInputStream(),
                            StandardCharsets.UTF_8)).readLine();
                    assertEquals("hello ping [first]", reply);
                }
            }
        }
    }

    @Test
    void theStrictLoaderNamesTheEchoKeysAsItNamesCoresOwn() throws IOException {
        try (URLClassLoader lib = withEchoJar()) {
            InstalledBindings installed = InstalledBindings.of(BindingDiscovery.discover(lib));
            String section = refusal(YAML.replace("greeting: hello", "greting: hello"), installed);
            assertTrue(section.contains("echo.greting: unknown key (line 5); known: greeting"), section);
            String listener = refusal(YAML.replace("echo: { host: 127.0.0.1, port: 0 }",
                    "echo: { host: 127.0.0.1, prot: 0 }"), installed);
            assertTrue(listener.contains("listeners.echo.prot: unknown key (line 3)"), listener);
            String upstream = refusal(YAML.replace("{ label: first }", "{ lable: first }"), installed);
            assertTrue(upstream.contains("upstreams[0].echo.lable: unknown key (line 7); known: label"), upstream);
            String type = refusal(YAML.replace("greeting: hello", "greeting: [a, b]"), installed);
            assertTrue(type.contains("echo.greeting: expected text, found a list (line 5)"), type);
            String rule = refusal(YAML.replace("greeting: hello", "greeting: ' '"), installed);
            assertTrue(rule.contains("echo.greeting: must not be empty (line 5)"), rule);
            String kind = refusal(YAML.replace("binding: echo", "binding: nope"), installed);
            assertTrue(kind.contains("upstreams[0].binding: must be one of echo, http, mqtt, ws; got 'nope' (line 7)"),
                    kind);
            String top = refusal(YAML + "ecko: { greeting: hi }\n", installed);
            assertTrue(top.contains("ecko: unknown key (line 11)") && top.contains(" echo,"), top);
            assertFalse(top.contains("sections"), "the holder of the bindings' sections is no key: " + top);
        }
    }
}
