package org.m2mbridge.core.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;

/** Re-identification, the one binding rule every binding uses (TS-0020 7.4: newest connection wins). */
class LocalEntityDirectoryTest {
    private final EntityDirectory directory = new LocalEntityDirectory(new InMemoryEntityRegistry());
    private final Link first = link("ws-1");
    private final Link second = link("ws-2");

    private static Link link(String id) {
        return new Link() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public String binding() {
                return "ws";
            }

            @Override
            public CompletableFuture<ResponsePrimitive> deliver(RequestPrimitive request, Instant deadline) {
                throw new UnsupportedOperationException();
            }
        };
    }

    @Test
    void takeOverMovesTheEntityToTheNewestLinkAndNamesThePreviousOne() {
        EntityDirectory.Rebound bound = directory.bind("Cae1", first, EntityDirectory.Reidentify.TAKE_OVER);
        assertTrue(bound.changed());
        assertNull(bound.previous());
        EntityDirectory.Rebound moved = directory.bind("Cae1", second, EntityDirectory.Reidentify.TAKE_OVER);
        assertTrue(moved.changed());
        assertSame(first, moved.previous());
        assertSame(second, directory.boundLink("Cae1").orElseThrow());
    }

    @Test
    void ifUnboundLeavesALiveBindingAlone() {
        directory.bind("Cae1", first, EntityDirectory.Reidentify.TAKE_OVER);
        assertFalse(directory.bind("Cae1", second, EntityDirectory.Reidentify.IF_UNBOUND).changed());
        assertSame(first, directory.boundLink("Cae1").orElseThrow());
        assertTrue(directory.bind("Cae2", second, EntityDirectory.Reidentify.IF_UNBOUND).changed());
    }

    @Test
    void bindingToTheSameLinkAgainChangesNothing() {
        directory.bind("Cae1", first, EntityDirectory.Reidentify.TAKE_OVER);
        assertFalse(directory.bind("Cae1", first, EntityDirectory.Reidentify.TAKE_OVER).changed());
        assertEquals(1, directory.boundCount());
    }

    @Test
    void unbindOnlyFromTheLinkItIsBoundTo() {
        directory.bind("Cae1", second, EntityDirectory.Reidentify.TAKE_OVER);
        assertFalse(directory.unbind("Cae1", first), "a closing old connection does not unbind the new one");
        assertTrue(directory.unbind("Cae1", second));
        assertTrue(directory.boundLink("Cae1").isEmpty());
    }
}
