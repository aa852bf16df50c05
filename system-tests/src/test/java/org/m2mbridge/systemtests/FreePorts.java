package org.m2mbridge.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A loopback port free right now. Only for listeners that must keep their port across a restart (the upstream
 * keeps the poa it was given; the upstream CSE's own URL is in the bridge's config); everything else binds port 0.
 */
final class FreePorts {
    private FreePorts() {
    }

    static int pick() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
