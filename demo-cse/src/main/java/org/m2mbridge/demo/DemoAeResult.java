package org.m2mbridge.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * What one {@link DemoAe} run did (TEST/DEMO peer, not a product feature), for tests to assert on.
 *
 * @param steps                each request the AE sent, in order, with the rsc it got (-1 = no answer in time)
 * @param aei                  the AE-ID the CSE assigned, if registration succeeded
 * @param notification         the {@code m2m:sgn} of the notification received on the AE's own socket, if any
 * @param verificationAnswered how many verification requests ({@code vrq}) the AE received and answered 2000
 * @param success              true when every step succeeded and the notification arrived
 */
public record DemoAeResult(List<Step> steps, Optional<String> aei, Optional<JsonNode> notification,
                           int verificationAnswered, boolean success) {

    public DemoAeResult {
        steps = List.copyOf(steps);
    }

    /** One request and its outcome: {@code CREATE <AE>} and 2001, for instance. */
    public record Step(String description, int rsc) {
    }

    /** The rsc of the first step whose description starts with {@code prefix}; -1 when there is none. */
    public int rscOf(String prefix) {
        return steps.stream().filter(s -> s.description().startsWith(prefix)).mapToInt(Step::rsc).findFirst()
                .orElse(-1);
    }
}
