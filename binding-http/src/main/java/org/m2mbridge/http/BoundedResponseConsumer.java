package org.m2mbridge.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.client5.http.async.methods.AbstractBinResponseConsumer;

/**
 * Buffers an upstream's answer up to {@code limits.maxMessageBytes}; a bigger body fails the exchange instead of
 * filling the heap (HttpClient's SimpleResponseConsumer has no limit).
 */
final class BoundedResponseConsumer extends AbstractBinResponseConsumer<HttpResponseMessage> {

    /** The answer exceeded the limit. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message);
        }
    }

    private final int maxBytes;
    private int status;
    private Map<String, String> headers;
    private ByteArrayOutputStream body;

    BoundedResponseConsumer(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    protected void start(HttpResponse response, ContentType contentType) {
        status = response.getCode();
        headers = HttpRequestMessage.newHeaders();
        for (Header h : response.getHeaders()) {
            // Mobius repeats some headers; the first one counts, whatever the casing of the repetition
            headers.putIfAbsent(h.getName(), h.getValue());
        }
        body = new ByteArrayOutputStream();
    }

    @Override
    protected int capacityIncrement() {
        return Integer.MAX_VALUE;
    }

    @Override
    protected void data(ByteBuffer src, boolean endOfStream) throws IOException {
        if (body.size() + src.remaining() > maxBytes) {
            throw new TooLarge("upstream answer larger than " + maxBytes + " bytes");
        }
        byte[] chunk = new byte[src.remaining()];
        src.get(chunk);
        body.write(chunk);
    }

    @Override
    protected HttpResponseMessage buildResult() {
        return new HttpResponseMessage(status, headers, body.toByteArray());
    }

    @Override
    public void releaseResources() {
        body = null;
    }
}
