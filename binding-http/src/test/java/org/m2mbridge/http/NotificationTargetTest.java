package org.m2mbridge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.m2mbridge.core.bus.Registration;

/** The table of {@link NotificationTarget}: the {@code to} for what follows the token in a notification URL. */
class NotificationTargetTest {
    private static final Registration MN = new Registration("/id-mn", Registration.Kind.CSE, "in-cse", "tok", "id-mn",
            "id-mn", List.of(), Instant.EPOCH);
    private static final Registration MN_ABSOLUTE = new Registration("//mn.example/id-mn", Registration.Kind.CSE,
            "in-cse", "tok", "id-mn", "id-mn", List.of(), Instant.EPOCH);
    private static final Registration AE = new Registration("Cae1", Registration.Kind.AE, "in-cse", "tok", "ae1",
            "Cae1", List.of(), Instant.EPOCH);

    @ParameterizedTest(name = "{0} after the token of {1} -> {2}")
    @CsvSource(delimiter = '|', emptyValue = "", nullValues = "none", textBlock = """
            ''                                 | MN          | /id-mn
            /                                  | MN          | /id-mn
            /~/id-mn/cse-mn/ae1                | MN          | /id-mn/cse-mn/ae1
            /_/sp.example/id-mn/cse-mn/ae1     | MN          | //sp.example/id-mn/cse-mn/ae1
            /cse-mn/ae1                        | MN          | /id-mn/cse-mn/ae1
            /cse-mn                            | MN          | /id-mn/cse-mn
            /~/id-asn/cse-asn                  | MN          | /id-asn/cse-asn
            /cse-mn/ae1                        | MN_ABSOLUTE | //mn.example/id-mn/cse-mn/ae1
            ''                                 | AE          | Cae1
            /~/id-in/Cae1                      | AE          | /id-in/Cae1
            /_/sp.example/id-in/Cae1           | AE          | //sp.example/id-in/Cae1
            /any/path                          | AE          | Cae1
            /~                                 | MN          | none
            /_/                                | AE          | none
            """)
    void theMappingTable(String rest, String entity, String to) {
        Registration e = switch (entity) {
            case "MN" -> MN;
            case "MN_ABSOLUTE" -> MN_ABSOLUTE;
            default -> AE;
        };
        assertEquals(Optional.ofNullable(to), NotificationTarget.to(rest, e));
    }
}
