package org.m2mbridge.core.bus;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * How a {@code to} addresses the registration resource of an entity: the {@code <AE>} of an AE, or the
 * {@code <remoteCSE>} its registrar holds for a CSE (TS-0004 7.4.4, 7.4.5). The one place that knows these forms,
 * for the registration gate (an entity not registered yet, known only by its originator) and for the DELETE that
 * deregisters (an entity whose {@code rn} and {@code ri} are known).
 *
 * <p>The target is read as TS-0001 7.2 writes it: an absolute {@code //sp/cse/x} or SP-relative {@code /cse/x} prefix
 * is removed, leaving the CSE-relative rest, which must be
 * <ul>
 *   <li>one segment, an unstructured resource ID: the entity's ID stem or its known {@code ri}
 *       ({@code /id-in/id-mn}, {@code /id-in/Cae1}, {@code Cae1}), or</li>
 *   <li>two segments, a structured address under the CSEBase (its name or {@code -}) ending in the stem or the
 *       known {@code rn} ({@code /id-in/cse-in/id-mn}, {@code cse-in/Cae1}).</li>
 * </ul>
 * A CSE's stem is its CSE-ID without the slash ({@code /id-mn} becomes {@code id-mn}, the name ACME gives its
 * {@code <remoteCSE>}); an absolute CSE-ID {@code //sp.example/id-mn} also allows {@code sp.example_id-mn}, the name
 * ACME uses across service providers. An AE's stem is the last segment of its AE-ID.
 */
final class RegistrationResource {
    private RegistrationResource() {
    }

    /**
     * True when {@code to} addresses the registration resource of {@code entityId}.
     *
     * @param resourceName {@code rn} of the resource when known (registered entity), else null
     * @param resourceId   {@code ri} of the resource when known, else null
     */
    static boolean addressedBy(String to, String entityId, String resourceName, String resourceId) {
        if (to == null || to.isEmpty() || entityId == null || entityId.isEmpty()) {
            return false;
        }
        String rest = cseRelative(to);
        if (rest == null || rest.isEmpty()) {
            return false;
        }
        Set<String> stems = stems(entityId);
        String[] seg = rest.split("/", -1);
        if (seg.length == 1) {
            return stems.contains(seg[0]) || seg[0].equals(resourceId);
        }
        return seg.length == 2 && !seg[0].isEmpty()
                && (stems.contains(seg[1]) || seg[1].equals(resourceName));
    }

    /** True for a CSE-ID ({@code /id-mn}, {@code //sp.example/id-mn}); AE-IDs have another shape (TS-0001 7.2). */
    static boolean isCseId(String id) {
        if (id == null) {
            return false;
        }
        if (id.startsWith("//")) {
            String[] seg = id.substring(2).split("/", -1);
            return seg.length == 2 && !seg[0].isEmpty() && !seg[1].isEmpty();
        }
        return id.length() > 1 && id.startsWith("/") && id.indexOf('/', 1) < 0;
    }

    /** The CSE-relative part of {@code to}, or null when an SP-relative/absolute form has nothing after the CSE-ID. */
    private static String cseRelative(String to) {
        String rest = to;
        if (rest.startsWith("//")) { // //sp/cse/x -> /cse/x
            int s = rest.indexOf('/', 2);
            if (s < 0) {
                return null;
            }
            rest = rest.substring(s);
        }
        if (rest.startsWith("/")) { // /cse/x -> x
            int s = rest.indexOf('/', 1);
            return s < 0 ? null : rest.substring(s + 1);
        }
        return rest;
    }

    private static Set<String> stems(String entityId) {
        Set<String> out = new LinkedHashSet<>(2);
        String last = entityId.substring(entityId.lastIndexOf('/') + 1);
        out.add(last);
        if (entityId.startsWith("//") && isCseId(entityId)) {
            out.add(entityId.substring(2, entityId.indexOf('/', 2)) + "_" + last);
        }
        return out;
    }
}
