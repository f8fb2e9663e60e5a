package no.knutepunkt.model.event;

import java.time.Instant;
import java.util.List;

/**
 * Which messages a re-drive takes: those of the municipality (every one when null) routed in [{@code from},
 * {@code to}), narrowed by EPJ (its product or endpoint), sender (VKP id), kind, and delivery state. Messages the EPJ
 * has journaled are never taken.
 *
 * @param states delivery states: {@code delivered}, {@code dead}, {@code awaiting-pull}
 */
public record RedriveFilter(String orgnr, String epj, String sender, MessageKind kind, Instant from, Instant to,
        List<String> states) {
}
