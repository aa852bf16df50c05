package org.m2mbridge.distribution;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.m2mbridge.core.Binding;
import org.m2mbridge.core.BridgeContext;
import org.m2mbridge.core.config.BindingConfiguration;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ConfigException;
import org.m2mbridge.core.config.ListenerConfig;
import org.m2mbridge.core.config.UpstreamConfig;
import org.m2mbridge.core.testing.ScriptedUpstream;

/**
 * A TEST-ONLY binding that core and distribution have never heard of (issue 17 item 1, the proof that a binding
 * owns its configuration): it declares its own listener key ({@code listeners.echo}), its own section
 * ({@code echo:}) and its own upstream kind ({@code binding: echo} with an {@code echo:} subtree), and is registered
 * only in {@code echo-binding/META-INF/services}, a class path entry of its own as a jar in {@code lib/} would be.
 * Its listener answers each line with {@code <greeting> <line> [<upstream labels>]}.
 */
public final class EchoBinding implements Binding {
    /** The {@code echo:} section. */
    public record EchoSettings(String greeting) {
        public EchoSettings {
            greeting = greeting == null ? "echo" : greeting;
        }
    }

    /** The {@code upstreams[].echo:} subtree. */
    public record EchoUpstream(String label) {
    }

    private volatile ServerSocket server;
    private volatile URI bound;

    @Override
    public String name() {
        return "echo";
    }

    @Override
    public List<String> listenerKeys() {
        return List.of("echo");
    }

    @Override
    public BindingConfiguration configuration() {
        return new BindingConfiguration() {
            @Override
            public Map<String, Class<?>> sections() {
                return Map.of("echo", EchoSettings.class);
            }

            @Override
            public Map<String, Class<?>> listeners() {
                return Map.of("echo", ListenerConfig.class);
            }

            @Override
            public Map<String, Class<?>> upstreamKeys() {
                return Map.of("echo", EchoUpstream.class);
            }

            @Override
            public void validate(BridgeConfig config) {
                // listeners.echo, a ListenerConfig, is checked by core as a plain listener
                ConfigException.require(!config.section("echo", EchoSettings.class).greeting().isBlank(),
                        "echo.greeting", "must not be empty");
            }
        };
    }

    @Override
    public void start(BridgeContext context) throws IOException {
        BridgeConfig config = context.config();
        List<UpstreamConfig> mine = config.upstreams().stream().filter(u -> name().equals(u.binding())).toList();
        mine.forEach(u -> context.bus().addUpstream(new ScriptedUpstream(u.name(), u.cseId())));
        ListenerConfig listener = config.listeners().get("echo", ListenerConfig.class);
        if (listener == null) {
            return;
        }
        String greeting = config.section("echo", EchoSettings.class).greeting();
        String labels = mine.stream().map(u -> u.key("echo", EchoUpstream.class).label())
                .collect(Collectors.joining(", "));
        server = new ServerSocket(listener.port(), 8, InetAddress.getByName(listener.host()));
        bound = URI.create("tcp://" + listener.host() + ":" + server.getLocalPort());
        Thread accept = new Thread(() -> serve(greeting + " %s [" + labels + "]"), "echo-accept");
        accept.setDaemon(true);
        accept.start();
    }

    private void serve(String reply) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                s.setSoTimeout(5000);
                String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
                OutputStream out = s.getOutputStream();
                out.write((String.format(reply, line) + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (SocketException e) {
                return; // closed by stop()
            } catch (IOException e) {
                // one client's failure; keep serving
            }
        }
    }

    @Override
    public Map<String, URI> boundListeners() {
        return bound == null ? Map.of() : Map.of("echo", bound);
    }

    @Override
    public void stop(Duration grace) {
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            // closing anyway
        }
    }
}
