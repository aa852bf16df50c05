package org.m2mbridge.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real nCube-Thyme (Node.js AE, Mobius' dialect) run from a checkout whose {@code node_modules} is installed
 * ({@code npm install}): its scripts are copied into a work directory beside a generated {@code conf.js} (Thyme
 * reads its configuration from {@code ./conf.js} only) and it runs over WebSocket ({@code useprotocol: 'ws'},
 * subprotocol {@code onem2m.r2.0.json}) to the given listener. It registers AE {@code rn} under CSEBase
 * {@code cseName}, creates container {@code led} and subscription {@code sub1} on it (nu: an http URL that Thyme
 * serves).
 */
final class ThymePeer implements AutoCloseable {
    private static final List<String> SCRIPTS = List.of("app.js", "onem2m_client.js", "thyme.js", "thyme_tas.js",
            "package.json");

    private final Process process;
    final Path output;

    private ThymePeer(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** Whether {@code home} looks like an installed Thyme checkout; the reason goes to {@code reason} if not. */
    static boolean usable(Path home, StringBuilder reason) {
        for (String f : SCRIPTS) {
            if (!Files.isRegularFile(home.resolve(f))) {
                reason.append(home).append(" has no ").append(f).append(" (not an nCube-Thyme-Nodejs checkout)");
                return false;
            }
        }
        if (!Files.isDirectory(home.resolve("node_modules"))) {
            reason.append(home).append(" has no node_modules: run npm install there");
            return false;
        }
        return true;
    }

    static ThymePeer start(Path home, Path workDir, URI ws, String cseName, String cseId, String rn) {
        try {
            Files.createDirectories(workDir);
            for (String f : SCRIPTS) {
                Files.copy(home.resolve(f), workDir.resolve(f));
            }
            Files.createSymbolicLink(workDir.resolve("node_modules"), home.resolve("node_modules").toAbsolutePath());
            // appid: ACME refuses an api that does not start with N or R (Thyme's default measure_co2 gets 4000)
            // sub nu: an http URL Thyme serves itself (it starts that server for an http nu). Thyme passes every nu
            // to new URL(), so an AE-ID nu kills it (TypeError: Invalid URL) before its CREATE <subscription> leaves.
            // Its port is random (Thyme cannot bind port 0 and tell it); the IN notifies it directly, not through us.
            // tas: Thyme's link to its sensors, over MQTT; port 1 refuses at once and is retried once a minute
            Files.writeString(workDir.resolve("conf.js"), """
                    let cse = { host: '%s', port: '%d', name: '%s', id: '%s', mqttport: '1883', wsport: '%d' };
                    let ae = { name: '%s', id: 'C%s', parent: '/' + cse.name, appid: 'Nlive',
                               port: String(20000 + Math.floor(Math.random() * 40000)),
                               bodytype: 'json', tasport: '3105' };
                    module.exports = {
                      useprotocol: 'ws', sim: 'disable', usesecure: 'disable', cse: cse, ae: ae, acp: {},
                      cnt: [ { parent: '/' + cse.name + '/' + ae.name, name: 'led' } ],
                      sub: [ { parent: '/' + cse.name + '/' + ae.name + '/led', name: 'sub1',
                               nu: 'http://127.0.0.1:' + ae.port + '/noti?ct=json' } ],
                      tas: { client: { connected: false }, connection: { host: '127.0.0.1', port: 1, endpoint: '',
                             clean: true, connectTimeout: 4000, reconnectPeriod: 60000, clientId: 'thyme_live',
                             username: 'u', password: 'p' } },
                    };
                    """.formatted(ws.getHost(), ws.getPort(), cseName, cseId, ws.getPort(), rn, rn));
            Path output = workDir.resolve("thyme-output.txt");
            Process p = new ProcessBuilder("node", "thyme.js").directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            return new ThymePeer(p, output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    String output() {
        try {
            return Files.exists(output) ? Files.readString(output) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    /**
     * Thyme 2.5.0 sends its first request 100 ms after start whether or not its socket is open yet; on a busy
     * machine it then dies with this TypeError before saying anything to the bridge (its own race, not the peer's).
     */
    boolean diedOfItsStartRace() {
        return !process.isAlive() && output().contains("reading 'sendUTF'");
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
