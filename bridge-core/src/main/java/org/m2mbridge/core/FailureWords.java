package org.m2mbridge.core;

import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * A failure said in words for an operator ("address already in use", "connection refused"), not as a Java class
 * name: for the one line the bridge prints when it cannot start, and for the load tool's errors. Reads the innermost
 * cause, where the system's own words are.
 */
public final class FailureWords {

    private FailureWords() {
    }

    public static String describe(Throwable failure) {
        Throwable t = innermost(failure);
        String m = t.getMessage() == null ? "" : firstLine(t.getMessage());
        if (t instanceof BindException) {
            return m.isEmpty() ? "the address cannot be bound" : lower(m.replaceFirst(" \\(Bind failed\\)$", ""));
        }
        if (t instanceof ConnectException) {
            return m.isEmpty() ? "connection refused" : lower(m);
        }
        if (t instanceof NoRouteToHostException) {
            return "no route to host";
        }
        if (t instanceof UnknownHostException) {
            return m.isEmpty() ? "a host name does not resolve" : "host '" + m + "' does not resolve";
        }
        if (t instanceof UnresolvedAddressException) {
            return "the host name does not resolve";
        }
        if (t instanceof SocketTimeoutException || t instanceof TimeoutException) {
            return m.isEmpty() ? "timed out" : "timed out (" + lower(m) + ")";
        }
        if (t instanceof AccessDeniedException a) {
            return "permission denied: " + a.getFile();
        }
        if (t instanceof NoSuchFileException n) {
            return "no such file: " + n.getFile();
        }
        if (t instanceof FileSystemException f && f.getReason() != null) {
            return lower(f.getReason()) + ": " + f.getFile();
        }
        if (t instanceof SSLException) {
            return "TLS failed: " + (m.isEmpty() ? "handshake error" : m);
        }
        if (t instanceof java.io.EOFException || t instanceof java.nio.channels.ClosedChannelException) {
            return "the connection was closed by the other side";
        }
        return m.isEmpty() ? "failed (" + t.getClass().getSimpleName() + ")" : m;
    }

    private static Throwable innermost(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static String firstLine(String m) {
        int nl = m.indexOf('\n');
        return nl > 0 ? m.substring(0, nl) : m;
    }

    private static String lower(String m) {
        return m.isEmpty() ? m : m.substring(0, 1).toLowerCase(Locale.ROOT) + m.substring(1);
    }
}
