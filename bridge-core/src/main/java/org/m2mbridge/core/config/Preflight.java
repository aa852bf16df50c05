package org.m2mbridge.core.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a valid configuration still needs from the machine before the bridge can start, checked without binding
 * anything: the key and trust stores it names can be read, the listeners' host names resolve, the data directories
 * can be written (or created). Run by {@code --check-config} and by every start, so the two cannot disagree
 * (docs/operations.md). A problem that stops the start is a {@link ConfigException} naming the key; one the bridge
 * lives with (an upstream's host that does not resolve yet: DNS may follow, the upstream is retried) is a warning.
 */
public final class Preflight {

    /**
     * The checks a binding asks for its own keys ({@link BindingConfiguration#preflight}): each names the key, as a
     * check of core's own keys does.
     */
    public interface Checks {
        /** The key and trust stores of a TLS client can be read; an error otherwise. */
        void clientTls(TlsSettings tls, String key);

        /**
         * The key store of a TLS listener can be read, and its trust store when it asks for client certificates; an
         * error otherwise.
         */
        void serverTls(TlsSettings tls, String key);

        /** The host of {@code url} (an upstream, a broker) resolves; a warning otherwise, it is retried. */
        void reachable(String url, String key);

        /** {@code dir} can be written, or created; an error otherwise. */
        void writable(Path dir, String key);
    }

    private final BridgeConfig config;
    private final InstanceLayout layout;
    private final List<String> warnings = new ArrayList<>();

    private Preflight(BridgeConfig config, InstanceLayout layout) {
        this.config = config;
        this.layout = layout;
    }

    /** Checks {@code config} in {@code layout}; returns the warnings, throws {@link ConfigException} for an error. */
    public static List<String> check(BridgeConfig config, InstanceLayout layout) {
        Preflight p = new Preflight(config, layout);
        p.listenerHosts();
        p.upstreamHosts();
        p.directories();
        Checks checks = p.new BindingChecks();
        config.bindings().byName().values().forEach(b -> b.preflight(config, checks));
        return List.copyOf(p.warnings);
    }

    // ---- key and trust stores: read exactly as the bindings will read them (TlsMaterial) -------------------------

    private static void server(TlsSettings tls, String key) {
        if (tls != null) {
            load(key, () -> {
                TlsMaterial.keyManagers(tls, key);
                if (tls.clientCertificateRequested()) {
                    TlsMaterial.trustManagers(tls, key);
                }
            });
        }
    }

    private static void client(TlsSettings tls, String key) {
        if (tls != null) {
            TlsMaterial.clientContext(tls, key);
        }
    }

    private interface TlsLoad {
        void run() throws GeneralSecurityException;
    }

    private static void load(String key, TlsLoad load) {
        try {
            load.run();
        } catch (GeneralSecurityException e) {
            throw new ConfigException(key + ": cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** What a binding's {@link BindingConfiguration#preflight} asks, checked as core checks its own keys. */
    private final class BindingChecks implements Checks {
        @Override
        public void clientTls(TlsSettings tls, String key) {
            client(tls, key);
        }

        @Override
        public void serverTls(TlsSettings tls, String key) {
            server(tls, key);
        }

        @Override
        public void reachable(String url, String key) {
            warnUnresolved(url, key);
        }

        @Override
        public void writable(Path dir, String key) {
            Preflight.writable(dir.toAbsolutePath(), key);
        }
    }

    // ---- host names ----------------------------------------------------------------------------------------------

    /** A listener binds its host: one that does not resolve cannot start. */
    private void listenerHosts() {
        config.listeners().configured().forEach((key, listener) -> {
            if (listener instanceof ListenerConfig socket) { // a binding's other kinds of listener bind nothing
                resolve(socket.host(), problem -> {
                    throw new ConfigException("listeners." + key + ".host: " + problem
                            + "; the listener cannot bind it");
                });
            }
        });
    }

    /** An upstream is connected to later and retried, so a name that does not resolve yet is only a warning. */
    private void upstreamHosts() {
        for (int i = 0; i < config.upstreams().size(); i++) {
            UpstreamConfig u = config.upstreams().get(i);
            warnUnresolved(u.url(), "upstreams[" + i + "].url"); // another binding's address: its own preflight
        }
    }

    private void warnUnresolved(String url, String key) {
        String host = url == null ? null : URI.create(url.trim()).getHost();
        if (host != null) {
            resolve(host, problem -> warnings.add(key + ": " + problem
                    + "; the bridge starts anyway and keeps trying to reach it"));
        }
    }

    private static void resolve(String host, Consumer<String> problem) {
        try {
            InetAddress.getByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            problem.accept("host '" + host + "' does not resolve");
        }
    }

    // ---- directories ---------------------------------------------------------------------------------------------

    private void directories() {
        if (config.store().durable()) {
            Path store = layout.storeDirectory(config.store());
            writable(store, config.store().dataDir() == null ? InstanceLayout.DATA_DIR : "store.dataDir");
            Path file = store.resolve("bridge.mv.db");
            if (Files.exists(file) && !Files.isWritable(file)) {
                throw new ConfigException("store.dataDir: the store file " + file + " is not writable by this user ("
                        + System.getProperty("user.name") + ")");
            }
        }
        Path logs = layout.logDir().toAbsolutePath();
        if (Files.isDirectory(logs) && !Files.isWritable(logs)) {
            warnings.add(InstanceLayout.LOG_DIR + ": " + logs + " is not writable by this user ("
                    + System.getProperty("user.name") + "); log files will be missing");
        }
    }

    /** {@code dir} exists and can be written, or its closest existing parent can be, so it can be created. */
    private static void writable(Path dir, String key) {
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        String user = " by this user (" + System.getProperty("user.name") + ")";
        if (existing == null || !Files.isDirectory(existing)) {
            throw new ConfigException(key + ": " + dir + " cannot be created: " + existing + " is not a directory");
        }
        if (!Files.isWritable(existing) || !Files.isExecutable(existing)) {
            throw new ConfigException(key + ": " + (existing.equals(dir) ? dir + " is not writable"
                    : dir + " cannot be created: " + existing + " is not writable") + user);
        }
        if (existing.equals(dir)) {
            probe(dir, key, user);
        }
    }

    /**
     * {@code Files.isWritable} answers from the permission bits; a read-only mount or a sandbox (systemd's
     * {@code ProtectSystem=strict}) says otherwise only when a file is really created.
     */
    private static void probe(Path dir, String key, String user) {
        try {
            Files.delete(Files.createTempFile(dir, ".m2m-bridge-check", ".tmp"));
        } catch (IOException e) {
            throw new ConfigException(key + ": " + dir + " is not writable" + user + ": "
                    + (e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason()
                    : e.getMessage()));
        }
    }
}
