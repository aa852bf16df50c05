package org.m2mbridge.mqtt;

/** A real broker a test can stop and start again on the same address with its persistence kept. */
public interface RestartableBroker extends AutoCloseable {
    /** {@code tcp://127.0.0.1:<port>}. */
    String url();

    /** Stops the broker the way an operator would; what it persists survives. */
    void stop() throws Exception;

    /** Starts it (again) on the same port; returns once it accepts connections. */
    void start() throws Exception;
}
