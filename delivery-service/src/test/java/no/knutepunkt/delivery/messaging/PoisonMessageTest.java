package no.knutepunkt.delivery.messaging;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import no.knutepunkt.cli.TopicProbe;
import no.knutepunkt.epj.EpjStandin;
import no.knutepunkt.model.event.DeliveryFailed;
import no.knutepunkt.model.event.Destination;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.event.MessageDelivered;
import no.knutepunkt.model.event.MessageKind;
import no.knutepunkt.model.event.MessageRouted;
import no.knutepunkt.model.kafka.Topics;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A poison message: the EPJ answers, and fails this one message the same way every time. With more attempts allowed
 * than it takes to open the circuit, its later attempts are probes; they must still count, or it is probed for ever
 * while its patient's next message waits behind it.
 */
@QuarkusTest
@TestProfile(PoisonMessageTest.MoreAttemptsThanTheCircuitNeeds.class)
class PoisonMessageTest {

    public static class MoreAttemptsThanTheCircuitNeeds implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("delivery.breaker-threshold", "2", "delivery.max-attempts", "20",
                    "delivery.max-same-failures", "4");
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void aMessageTheEpjFailsTheSameWayEveryTimeIsADeadLetterAndNeitherItsPatientNorItsEpjIsHeld() throws Exception {
        String orgnr = Long.toString(900_000_000L + (long) (Math.random() * 99_999_999L));
        try (EpjStandin epj = new EpjStandin("127.0.0.1", 0, null)) {
            String poison = "urn:uuid:" + UUID.randomUUID();
            epj.behave(new EpjStandin.Behaviour("fail", 500, 0, poison));
            String patient = "p".repeat(32);
            String poisoned = route(epj, orgnr, poison, patient);
            String next = "urn:uuid:" + UUID.randomUUID();
            String nextId = route(epj, orgnr, next, patient);
            // the poison alone opens the circuit (2 failures); another patient's message meanwhile is delivered
            await().atMost(Duration.ofSeconds(10)).until(() -> attemptsOf(poisoned) >= 2);
            String other = "urn:uuid:" + UUID.randomUUID();
            String otherId = route(epj, orgnr, other, "q".repeat(32));

            await().atMost(Duration.ofSeconds(30)).until(() -> !of(poisoned, DeliveryFailed.class).isEmpty());
            DeliveryFailed dead = (DeliveryFailed) of(poisoned, DeliveryFailed.class).get(0);
            assertEquals(4, dead.attempts(), "dead after max-same-failures answered failures, probes included");
            assertEquals("HTTP 500 from EPJ", dead.lastError());
            await().atMost(Duration.ofSeconds(20)).until(() -> of(nextId, MessageDelivered.class).size() == 1
                    && of(otherId, MessageDelivered.class).size() == 1);
            List<String> arrived = epj.list("MedicationDispense").stream()
                    .map(r -> r.path("identifier").path(0).path("value").asText()).toList();
            assertTrue(arrived.containsAll(List.of(next, other)) && !arrived.contains(poison), arrived.toString());
        }
    }

    String route(EpjStandin epj, String orgnr, String dispense, String patientKey) {
        MessageRouted routed = new MessageRouted(UUID.randomUUID().toString(), orgnr, MessageKind.MEDICATION_DISPENSE,
                new Destination("generic-fhir", "push", epj.baseUrl(), null), "municipality-route", 1,
                DeliveryQueueTest.dispense(dispense), Instant.now(), null, null);
        new TopicProbe(bootstrap).publish(Topics.ROUTING_DECISIONS,
                EventEnvelope.create("test", patientKey, routed.messageId(), null, routed));
        return routed.messageId();
    }

    long attemptsOf(String messageId) {
        return of(messageId, no.knutepunkt.model.event.DeliveryAttemptFailed.class).size();
    }

    List<Object> of(String messageId, Class<?> type) {
        return new TopicProbe(bootstrap).readAll(List.of(Topics.DELIVERY_OUTCOMES), Duration.ofMillis(300)).stream()
                .map(r -> EventCodec.decode(r.value())).filter(e -> messageId.equals(e.correlationid()))
                .map(e -> (Object) e.payload()).filter(type::isInstance).toList();
    }
}
