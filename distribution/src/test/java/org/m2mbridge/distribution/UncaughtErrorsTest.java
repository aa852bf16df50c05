package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** What Main installs for throwables no thread caught (issue 14: an OutOfMemoryError is logged, then exits). */
class UncaughtErrorsTest {

    private static ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        ((Logger) LoggerFactory.getLogger(UncaughtErrors.class)).addAppender(events);
        return events;
    }

    @Test
    void anOutOfMemoryErrorIsLoggedWithItsThreadThenTheProcessExits() {
        ListAppender<ILoggingEvent> events = capture();
        AtomicInteger exits = new AtomicInteger();
        try {
            new UncaughtErrors(exits::incrementAndGet).uncaughtException(new Thread("XNIO-1 I/O-1"),
                    new OutOfMemoryError("Cannot reserve 16384 bytes of direct buffer memory"));
            assertEquals(1, exits.get());
            ILoggingEvent e = events.list.get(0);
            assertEquals(Level.ERROR, e.getLevel());
            assertTrue(e.getFormattedMessage().contains("XNIO-1 I/O-1") && e.getFormattedMessage().contains("status 3"),
                    e.getFormattedMessage());
            assertTrue(e.getThrowableProxy().getMessage().contains("direct buffer memory"));
        } finally {
            ((Logger) LoggerFactory.getLogger(UncaughtErrors.class)).detachAppender(events);
        }
    }

    @Test
    void anyOtherUncaughtThrowableIsLoggedAndTheProcessGoesOn() {
        ListAppender<ILoggingEvent> events = capture();
        AtomicInteger exits = new AtomicInteger();
        try {
            new UncaughtErrors(exits::incrementAndGet).uncaughtException(new Thread("worker"),
                    new IllegalStateException("a bug"));
            assertEquals(0, exits.get());
            assertEquals(Level.ERROR, events.list.get(0).getLevel());
            assertTrue(events.list.get(0).getFormattedMessage().contains("worker"));
        } finally {
            ((Logger) LoggerFactory.getLogger(UncaughtErrors.class)).detachAppender(events);
        }
    }
}
