package org.m2mbridge.http;

import java.util.Optional;
import org.m2mbridge.core.bus.Registration;

/**
 * The {@code to} of a request that arrived on an entity's notification URL, {@code <notificationPath>/<token>[/rest]}:
 * the bridge announced {@code <notificationPath>/<token>} as the entity's point of access, and a CSE addresses a
 * target through a point of access by appending the target's path to it (TS-0009 6.2.2.1; ACME appends
 * {@code /~/<SP-relative>} and {@code /_/<absolute>}). The one table of that mapping:
 * <table>
 *   <caption>rest after the token, and the {@code to} it gives</caption>
 *   <tr><th>rest</th><th>{@code to}</th><th>example (entity {@code /id-mn})</th></tr>
 *   <tr><td>none, or {@code /}</td><td>the entity's ID</td><td>{@code /id-mn}</td></tr>
 *   <tr><td>{@code /~/x}</td><td>SP-relative {@code /x}</td><td>{@code /~/id-mn/cse-mn/ae1} gives
 *       {@code /id-mn/cse-mn/ae1}</td></tr>
 *   <tr><td>{@code /_/x}</td><td>absolute {@code //x}</td><td>{@code /_/sp.example/id-mn/cse-mn/ae1} gives
 *       {@code //sp.example/id-mn/cse-mn/ae1}</td></tr>
 *   <tr><td>{@code /x}, entity a CSE</td><td>CSE-relative {@code x} on that CSE: its CSE-ID, then {@code x}</td>
 *       <td>{@code /cse-mn/ae1} gives {@code /id-mn/cse-mn/ae1}</td></tr>
 *   <tr><td>{@code /x}, entity an AE</td><td>the AE-ID: an AE hosts no resources, so its notification URL may
 *       carry any path, as an AE's own HTTP server would accept</td><td>({@code Cae1}: {@code /n/1} gives
 *       {@code Cae1})</td></tr>
 * </table>
 * {@code /~} or {@code /_} with nothing after it names no target (empty result; the caller answers 4000).
 */
final class NotificationTarget {
    private NotificationTarget() {
    }

    /**
     * @param rest   the percent-decoded path after the token: empty or starting with {@code /}
     * @param entity the entity the token stands for
     */
    static Optional<String> to(String rest, Registration entity) {
        if (rest.isEmpty() || rest.equals("/")) {
            return Optional.of(entity.entityId());
        }
        if (rest.equals("/~") || rest.equals("/_") || rest.equals("/~/") || rest.equals("/_/")) {
            return Optional.empty();
        }
        if (rest.startsWith("/~/") || rest.startsWith("/_/")) {
            return Optional.of(TargetPath.toOf(rest));
        }
        if (entity.kind() == Registration.Kind.CSE) {
            return Optional.of(entity.entityId() + rest);
        }
        return Optional.of(entity.entityId());
    }
}
