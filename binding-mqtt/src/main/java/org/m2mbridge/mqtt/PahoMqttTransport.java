package org.m2mbridge.mqtt;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttClientPersistence;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.client.mqttv3.persist.MqttDefaultFilePersistence;
import org.m2mbridge.core.config.TlsMaterial;
import org.m2mbridge.core.config.TlsSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MqttTransport} on Eclipse Paho mqttv3 1.2.5 ({@link MqttAsyncClient}), with its traps handled: the
 * in-flight window is raised from Paho's 10, persistence is in memory or in the data dir (never the working
 * directory), subscriptions are renewed on every connect (a reconnect does not restore them), reconnection with a
 * short jittered back-off is done here (see {@link #scheduleConnect}), and nothing here blocks Paho's single
 * callback thread. What survives what is in docs/reliability.md ("MQTT: broker restarts and outages").
 */
public final class PahoMqttTransport implements MqttTransport {
    private static final Logger LOG = LoggerFactory.getLogger(PahoMqttTransport.class);
    private static final int QOS = 1; // TS-0010 5.1: QoS 1 only
    private static final long DISCONNECT_WAIT_MS = 250;

    /** Connection parameters, resolved from the configuration by the binding. */
    public record Options(String brokerUri, String clientId, String username, String password, int maxInflight,
                          Duration keepAlive, boolean cleanSession, Duration connectTimeout, Duration maxReconnectDelay,
                          String trustStore, String trustStorePassword, String keyStore, String keyStorePassword,
                          Path dataDir, Duration reconnectDelay) {
    }

    private final Options options;
    private final ScheduledExecutorService timer;
    private final MessageHandler handler;
    private final ConnectionListener listener;
    private final MqttAsyncClient client;
    private final MqttConnectOptions connectOptions;
    private final Set<String> filters = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> firstConnect = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger attempts = new AtomicInteger();
    private final ReconnectBackoff backoff;
    /**
     * Publishes waiting for a free slot in Paho's in-flight window, in order; bounded ({@link #overflowLimit}), so a
     * burst beyond the window waits a moment instead of failing, and a flood beyond that still fails at once.
     */
    private final ArrayDeque<Waiting> overflow = new ArrayDeque<>();
    private final int overflowLimit;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    /** {@code overflow.size()}, readable without its lock. */
    private final AtomicInteger waiting = new AtomicInteger();

    private record Waiting(String topic, byte[] payload, CompletableFuture<Void> done) {
    }

    public PahoMqttTransport(Options options, ScheduledExecutorService timer, MessageHandler handler,
                             ConnectionListener listener) throws Exception {
        this.options = options;
        this.timer = timer;
        this.handler = handler;
        this.listener = listener;
        MqttClientPersistence persistence = options.dataDir() == null ? new MemoryPersistence()
                : new MqttDefaultFilePersistence(options.dataDir().toString());
        this.client = new MqttAsyncClient(pahoUri(options.brokerUri()), options.clientId(), persistence);
        this.connectOptions = connectOptions(options);
        this.overflowLimit = Math.max(1000, 4 * options.maxInflight());
        this.backoff = new ReconnectBackoff(options.reconnectDelay(), options.maxReconnectDelay());
        client.setCallback(new Callback());
    }

    /** Paho only knows {@code tcp://} and {@code ssl://}; TS-0010 6.6 writes {@code mqtt://} and {@code mqtts://}. */
    static String pahoUri(String broker) {
        if (broker.startsWith("mqtt://")) {
            return "tcp://" + broker.substring("mqtt://".length());
        }
        if (broker.startsWith("mqtts://")) {
            return "ssl://" + broker.substring("mqtts://".length());
        }
        return broker;
    }

    private static MqttConnectOptions connectOptions(Options o) throws Exception {
        MqttConnectOptions c = new MqttConnectOptions();
        c.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1); // TS-0010 is written against 3.1.1
        c.setCleanSession(o.cleanSession());
        // Reconnection is ours (see scheduleConnect), not Paho's automatic reconnect.
        c.setAutomaticReconnect(false);
        c.setMaxInflight(o.maxInflight());
        c.setKeepAliveInterval((int) o.keepAlive().toSeconds());
        c.setConnectionTimeout((int) Math.max(1, o.connectTimeout().toSeconds()));
        if (o.username() != null) {
            c.setUserName(o.username());
            c.setPassword(o.password() == null ? new char[0] : o.password().toCharArray());
        }
        if (pahoUri(o.brokerUri()).startsWith("ssl://")) {
            // Trust anchors (else the JVM's) and the optional client certificate; Paho keeps its default
            // hostname verification (httpsHostnameVerificationEnabled) on this factory's sockets.
            SSLSocketFactory tls = o.trustStore() != null || o.keyStore() != null
                    ? TlsMaterial.clientContext(new TlsSettings(o.keyStore(), o.keyStorePassword(), null, null,
                            o.trustStore(), o.trustStorePassword(), null, null, null), "mqtt").getSocketFactory()
                    : (SSLSocketFactory) SSLSocketFactory.getDefault();
            c.setSocketFactory(NoDelaySocketFactory.tls(tls));
        } else {
            c.setSocketFactory(NoDelaySocketFactory.plain());
        }
        return c;
    }

    @Override
    public CompletableFuture<Void> start() {
        attemptConnect();
        return firstConnect;
    }

    private void attemptConnect() {
        if (closed.get() || client.isConnected()) {
            return;
        }
        try {
            client.connect(connectOptions, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    connected(token.getSessionPresent());
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    listener.disconnected(e);
                    scheduleConnect(e);
                }
            });
        } catch (MqttException e) {
            if (e.getReasonCode() != MqttException.REASON_CODE_CONNECT_IN_PROGRESS
                    && e.getReasonCode() != MqttException.REASON_CODE_CLIENT_CONNECTED) {
                scheduleConnect(e);
            }
        }
    }

    /**
     * Connects again after {@link ReconnectBackoff}'s delay (250 ms doubling up to 2 s by default, jittered), for
     * the first connection and after a lost one alike. Paho's own automatic reconnect is not used: in 1.2.5 it
     * only covers a lost connection (not the first), waits 1 s doubling up to 128 s (so the bridge may stay away
     * for minutes after the broker is back), shares one static delay between all clients of the JVM, has no
     * jitter, and its non-daemon "MQTT Reconnect" timer thread survived {@code close()} while the broker was away
     * (verified in a test run). This loop runs on the shared timer and never blocks.
     */
    private void scheduleConnect(Throwable e) {
        if (closed.get()) {
            return;
        }
        int n = attempts.incrementAndGet();
        long delay = backoff.delayMillis(n);
        if (n == 1 || n % 20 == 0) {
            LOG.warn("MQTT broker {} not reachable ({}), retrying every {} ms at most", options.brokerUri(),
                    e.getMessage(), backoff.maxMillis());
        }
        try {
            timer.schedule(this::attemptConnect, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
            LOG.debug("MQTT reconnect to {} not scheduled: timer stopped", options.brokerUri());
        }
    }

    /**
     * Connected (on Paho's callback thread): renew every subscription, then tell the listener. A reconnect does not
     * restore subscriptions in Paho, and a broker that lost the session (clean session, restart without
     * persistence, expiry) has forgotten them; re-subscribing an existing filter is harmless (MQTT 3.1.1 3.8.4).
     */
    private void connected(boolean sessionPresent) {
        boolean again = firstConnect.isDone();
        attempts.set(0);
        if (!sessionPresent && again && !options.cleanSession()) {
            LOG.warn("MQTT broker {} kept no session for {}: what was published for the bridge while it was away "
                    + "is lost; the broker must persist sessions (README, \"MQTT broker settings\")",
                    options.brokerUri(), options.clientId());
        } else {
            LOG.info("MQTT {} to {} as {} (session present: {})", again ? "reconnected" : "connected",
                    options.brokerUri(), options.clientId(), sessionPresent);
        }
        send(filters.toArray(String[]::new)).whenComplete((v, e) -> {
            if (e != null) {
                LOG.warn("MQTT resubscription at {} failed: {}", options.brokerUri(), e.toString());
            }
            listener.connected(again, sessionPresent);
            firstConnect.complete(null);
        });
    }

    @Override
    public boolean isConnected() {
        return client.isConnected();
    }

    @Override
    public CompletableFuture<Void> subscribe(String filter) {
        filters.add(filter);
        return send(new String[] {filter});
    }

    private CompletableFuture<Void> send(String[] topicFilters) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (topicFilters.length == 0) {
            f.complete(null);
            return f;
        }
        int[] qos = new int[topicFilters.length];
        java.util.Arrays.fill(qos, QOS);
        try {
            client.subscribe(topicFilters, qos, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    int[] granted = token.getGrantedQos();
                    for (int g : granted == null ? new int[0] : granted) {
                        if (g == 0x80) { // SUBACK failure (MQTT 3.1.1 3.9.3)
                            f.completeExceptionally(new MqttException(MqttException.REASON_CODE_SUBSCRIBE_FAILED));
                            return;
                        }
                    }
                    f.complete(null);
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    f.completeExceptionally(e);
                }
            });
        } catch (MqttException | RuntimeException e) {
            f.completeExceptionally(e);
        }
        return f;
    }

    @Override
    public CompletableFuture<Void> unsubscribe(String filter) {
        filters.remove(filter);
        CompletableFuture<Void> f = new CompletableFuture<>();
        try {
            client.unsubscribe(filter, null, completing(f));
        } catch (MqttException | RuntimeException e) {
            f.completeExceptionally(e); // not connected: the broker forgets it with the session, or at resubscription
        }
        return f;
    }

    @Override
    public CompletableFuture<Void> publish(String topic, byte[] payload) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        synchronized (overflow) {
            if (!overflow.isEmpty()) { // behind the waiting ones, to keep the order of publishes
                return queue(new Waiting(topic, payload, f));
            }
        }
        try {
            client.publish(topic, payload, QOS, false, null, completing(f));
        } catch (MqttException e) {
            if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT) {
                f.completeExceptionally(e); // not connected (32104) and the like: fail now
                return f;
            }
            // The window is full (Paho counts QoS 1 publishes until their PUBACK, maxInflight): wait for a slot.
            synchronized (overflow) {
                return queue(new Waiting(topic, payload, f));
            }
        } catch (RuntimeException e) {
            f.completeExceptionally(e);
        }
        return f;
    }

    /** Under the overflow lock: queues {@code w} or, beyond the bound, fails it. */
    private CompletableFuture<Void> queue(Waiting w) {
        if (overflow.size() >= overflowLimit) {
            w.done().completeExceptionally(new MqttException(MqttException.REASON_CODE_MAX_INFLIGHT));
        } else {
            overflow.addLast(w);
            waiting.incrementAndGet();
            scheduleDrain(); // a slot may have come free meanwhile
        }
        return w.done();
    }

    /** Never from Paho's callback thread (docs/libraries.md PAHO-2): the drain runs on the timer. */
    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                timer.execute(this::drain);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                drainScheduled.set(false); // shutting down
            }
        }
    }

    /** Publishes waiting ones while the window takes them; stops at a full window (the next PUBACK resumes it). */
    private void drain() {
        drainScheduled.set(false);
        while (true) {
            Waiting w;
            synchronized (overflow) {
                w = overflow.peekFirst();
                if (w == null) {
                    return;
                }
                try {
                    client.publish(w.topic(), w.payload(), QOS, false, null, completing(w.done()));
                } catch (MqttException e) {
                    if (e.getReasonCode() == MqttException.REASON_CODE_MAX_INFLIGHT) {
                        return; // still full
                    }
                    w.done().completeExceptionally(e);
                } catch (RuntimeException e) {
                    w.done().completeExceptionally(e);
                }
                overflow.pollFirst();
                waiting.decrementAndGet();
            }
        }
    }

    /** The connection is gone: what waited for a slot fails now rather than being sent late. */
    private void failWaiting(Throwable cause) {
        synchronized (overflow) {
            for (Waiting w; (w = overflow.pollFirst()) != null; ) {
                waiting.decrementAndGet();
                w.done().completeExceptionally(new MqttException(MqttException.REASON_CODE_CLIENT_NOT_CONNECTED,
                        cause));
            }
        }
    }

    /** A slot in the in-flight window came free: let the waiting publishes go (off the callback thread). */
    private void resumeWaiting() {
        if (waiting.get() > 0) { // no lock on Paho's callback thread
            scheduleDrain();
        }
    }

    /** A Paho action listener that completes {@code f}: the one bridge from Paho tokens to futures. */
    private IMqttActionListener completing(CompletableFuture<Void> f) {
        return new IMqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                f.complete(null);
                resumeWaiting();
            }

            @Override
            public void onFailure(IMqttToken token, Throwable e) {
                f.completeExceptionally(e);
                resumeWaiting();
            }
        };
    }

    @Override
    public void close(Duration timeout) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            // Paho waits the whole timeout here even when DISCONNECT went out at once (measured), and without a Will
            // nothing depends on it arriving: a short bound keeps shutdown fast. Called when not connected too:
            // only a disconnect stops Paho's automatic-reconnect timer thread.
            client.disconnectForcibly(0, Math.min(timeout.toMillis(), DISCONNECT_WAIT_MS));
        } catch (MqttException e) {
            LOG.debug("MQTT disconnect from {}: {}", options.brokerUri(), e.toString());
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.debug("MQTT close {}: {}", options.brokerUri(), e.toString());
        }
        firstConnect.completeExceptionally(new IllegalStateException("closed"));
    }

    private final class Callback implements MqttCallbackExtended {
        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            // The connect's own listener does the work: only its token has the CONNACK's session-present flag.
        }

        @Override
        public void connectionLost(Throwable cause) {
            LOG.warn("MQTT connection to {} lost: {}", options.brokerUri(), cause == null ? "?" : cause.toString());
            failWaiting(cause);
            listener.disconnected(cause);
            scheduleConnect(cause);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            try {
                handler.message(topic, message.getPayload());
            } catch (RuntimeException e) {
                // An exception here would make Paho drop the connection; log and carry on.
                LOG.error("MQTT message on {} could not be handled", topic, e);
            }
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // Completion is reported through each publish's own listener.
        }
    }
}
