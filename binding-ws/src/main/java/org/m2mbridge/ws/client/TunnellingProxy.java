package org.m2mbridge.ws.client;

import java.io.IOException;
import java.net.SocketAddress;
import java.util.Map;
import org.eclipse.jetty.client.Connection;
import org.eclipse.jetty.client.HttpProxy;
import org.eclipse.jetty.client.Origin;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.ClientConnectionFactory;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.Promise;

/**
 * The upstream's HTTP proxy: the WebSocket connection is always tunnelled with CONNECT (TS-0020 7.6), for {@code ws}
 * too (the library would otherwise send a plain-text upgrade to the proxy itself: docs/libraries.md WSC-2); and the
 * tunnel is taken over only once the CONNECT request has been written out completely (docs/libraries.md WSC-7: the
 * library switches on the 200's head, which may be read while the CONNECT's write is still finishing on another
 * thread, and the upgrade request written then fails with {@code WritePendingException}).
 */
final class TunnellingProxy extends HttpProxy {
    /** Marks the connection context once the connection to the proxy (the one carrying CONNECT) was made. */
    private static final String PROXY_LEG = TunnellingProxy.class.getName() + ".proxyLeg";

    TunnellingProxy(String host, int port) {
        super(host, port);
    }

    @Override
    public boolean requiresTunnel(Origin serverOrigin) {
        return true;
    }

    @Override
    public ClientConnectionFactory newClientConnectionFactory(ClientConnectionFactory connectionFactory) {
        return super.newClientConnectionFactory(new ClientConnectionFactory() {
            @Override
            public org.eclipse.jetty.io.Connection newConnection(EndPoint endPoint, Map<String, Object> context)
                    throws IOException {
                // asked twice per socket with the same context: first for the proxy leg (its promise then sends
                // CONNECT), then for the tunnelled connection, which is left as it is
                if (context.putIfAbsent(PROXY_LEG, Boolean.TRUE) == null) {
                    @SuppressWarnings("unchecked")
                    Promise<Connection> sendsConnect = (Promise<Connection>) context.get(Connection.PROMISE_CONTEXT_KEY);
                    context.put(Connection.PROMISE_CONTEXT_KEY, Promise.<Connection>from(
                            c -> sendsConnect.succeeded(new ProxyLeg(c)), sendsConnect::failed));
                }
                return connectionFactory.newConnection(endPoint, context);
            }
        });
    }

    /** The connection to the proxy: its CONNECT exchange reports the 200's head only once the request is sent. */
    private record ProxyLeg(Connection connection) implements Connection {
        @Override
        public void send(Request request, Response.CompleteListener listener) {
            if (HttpMethod.CONNECT.is(request.getMethod()) && listener instanceof Response.Listener l) {
                HeadAfterRequestSent held = new HeadAfterRequestSent(l);
                request.onRequestSuccess(r -> held.requestSent());
                connection.send(request, held);
            } else {
                connection.send(request, listener);
            }
        }

        @Override
        public void close() {
            connection.close();
        }

        @Override
        public boolean isClosed() {
            return connection.isClosed();
        }

        @Override
        public SocketAddress getLocalSocketAddress() {
            return connection.getLocalSocketAddress();
        }

        @Override
        public SocketAddress getRemoteSocketAddress() {
            return connection.getRemoteSocketAddress();
        }

        @Override
        public EndPoint.SslSessionData getSslSessionData() {
            return connection.getSslSessionData();
        }
    }

    /**
     * Holds the response head back until the request has been written out (its success is reported only once the
     * connection's writer is free again), then hands it on: the tunnel is taken over before the CONNECT exchange ends,
     * in the library's own order.
     */
    private static final class HeadAfterRequestSent implements Response.Listener {
        private final Response.Listener tunnel;
        private boolean sent;
        private Response head;

        HeadAfterRequestSent(Response.Listener tunnel) {
            this.tunnel = tunnel;
        }

        void requestSent() {
            Response h;
            synchronized (this) {
                sent = true;
                h = head;
            }
            if (h != null) {
                tunnel.onHeaders(h);
            }
        }

        @Override
        public void onHeaders(Response response) {
            synchronized (this) {
                if (!sent) {
                    head = response;
                    return;
                }
            }
            tunnel.onHeaders(response);
        }

        @Override
        public void onComplete(Result result) {
            tunnel.onComplete(result);
        }
    }
}
