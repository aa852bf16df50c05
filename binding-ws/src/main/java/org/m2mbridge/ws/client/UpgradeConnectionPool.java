package org.m2mbridge.ws.client;

import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.client.DuplexConnectionPool;

/**
 * The client's connection pool: opens exactly one connection per queued upgrade (docs/libraries.md WSC-8). Every
 * request this client sends is a WebSocket upgrade, and an upgraded connection leaves the pool; the library's pool,
 * when asked to "create if needed" (which it does each time an upgraded connection leaves it), counts one more demand
 * than there are queued requests, so two upgrades racing open a third connection that nobody uses: through a proxy, one
 * more CONNECT tunnel held open until the idle timeout.
 */
final class UpgradeConnectionPool extends DuplexConnectionPool {

    UpgradeConnectionPool(Destination destination) {
        super(destination, destination.getHttpClient().getMaxConnectionsPerDestination());
    }

    @Override
    protected void tryCreate(boolean create) {
        super.tryCreate(false); // demand = the queued upgrades, no extra one
    }
}
