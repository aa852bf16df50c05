package org.m2mbridge.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class DemoCseMainTest {
    @Test
    void parsesOptionsWithDefaults() {
        assertEquals(new DemoCseMain.Arguments("127.0.0.1", 8080, Optional.empty()), DemoCseMain.Arguments.parse());
        assertEquals(new DemoCseMain.Arguments("0.0.0.0", 0, Optional.of("tcp://b:1883")),
                DemoCseMain.Arguments.parse("--host", "0.0.0.0", "--http-port", "0", "--mqtt", "tcp://b:1883"));
        assertThrows(IllegalArgumentException.class, () -> DemoCseMain.Arguments.parse("--port", "1"));
        assertThrows(IllegalArgumentException.class, () -> DemoCseMain.Arguments.parse("--mqtt"));
    }
}
