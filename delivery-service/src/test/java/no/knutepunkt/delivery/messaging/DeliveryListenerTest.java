package no.knutepunkt.delivery.messaging;

import io.quarkus.test.junit.QuarkusTest;
import no.knutepunkt.cli.TopicProbe;
import no.knutepunkt.epj.EpjStandin;
import no.knutepunkt.model.event.DeliveryFailed;
import no.knutepunkt.model.event.Destination;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.event.EventData;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.event.MessageDelivered;
import no.knutepunkt.model.event.MessageKind;
import no.knutepunkt.model.event.MessageRouted;
import no.knutepunkt.model.kafka.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Delivery to a real HTTP EPJ stand-in, over the real broker. */
@QuarkusTest
class DeliveryListenerTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    EpjStandin epj;

    @BeforeEach
    void startEpj() throws Exception {
        epj = new EpjStandin("127.0.0.1", 0, null);
    }

    @AfterEach
    void stopEpj() {
        epj.close();
    }

    @Test
    void deliveredOnceEvenWhenRoutedTwice() throws Exception {
        String payload = Files.readString(Path.of("..", "examples", "02-missed-dose-alarm.json"))
                .replace("urn:uuid:4ec21ddf-fddd-4819-a32d-ad0da3829a1a", "urn:uuid:" + UUID.randomUUID());
        MessageRouted routed = routed(payload);
        MessageDelivered first = assertInstanceOf(MessageDelivered.class, outcomeOf(route(routed)));
        assertEquals(1, first.attempts());
        assertEquals(200, first.epjStatus());
        assertInstanceOf(MessageDelivered.class, outcomeOf(route(routed)));
        assertEquals(1, epj.list("DetectedIssue").size(), "the redelivery found the record, made no second one");
        // the Composition has no business identifier of its own; the one made from the message id holds
        assertEquals(1, epj.list("Composition").size());
        assertEquals(1, epj.list("Encounter").size());
    }

    @Test
    void unavailableEpjIsRetriedThenReportedWithTheAttemptCount() throws Exception {
        epj.behave(new EpjStandin.Behaviour("fail", 503, 0));
        DeliveryFailed failed = assertInstanceOf(DeliveryFailed.class,
                outcomeOf(route(routed(Files.readString(Path.of("..", "examples", "01-medication-dispense-success.json"))))));
        assertEquals(3, failed.attempts());
        assertEquals("HTTP 503 from EPJ", failed.lastError());

        epj.behave(new EpjStandin.Behaviour("fail", 422, 0));
        DeliveryFailed refused = assertInstanceOf(DeliveryFailed.class,
                outcomeOf(route(routed(Files.readString(Path.of("..", "examples", "01-medication-dispense-success.json"))))));
        assertEquals(1, refused.attempts(), "a refusal by the EPJ is not repeated");
    }

    MessageRouted routed(String payload) {
        return new MessageRouted(UUID.randomUUID().toString(), "312229544", MessageKind.ALARM,
                new Destination("generic-fhir", "push", epj.baseUrl(), null), "municipality-route", 1, payload,
                Instant.now());
    }

    EventEnvelope route(MessageRouted routed) {
        EventEnvelope envelope = EventEnvelope.create("test", "00112233445566778899aabbccddeeff", routed.messageId(),
                null, routed);
        new TopicProbe(bootstrap).publish(Topics.ROUTING_DECISIONS, envelope);
        return envelope;
    }

    EventData outcomeOf(EventEnvelope routed) {
        ConsumerRecord<String, String> record = new TopicProbe(bootstrap).await(Topics.DELIVERY_OUTCOMES,
                e -> routed.id().equals(e.causationid()), Duration.ofSeconds(30));
        assertNotNull(record, "an outcome was published");
        return EventCodec.decode(record.value()).payload();
    }
}
