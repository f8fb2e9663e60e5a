package no.knutepunkt.model.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every published event version has a frozen fixture, and today's records still read every one of them. */
class GoldenEventTest {

    @TestFactory
    Stream<DynamicTest> everyFixtureStillReads() {
        return EventCatalog.all().entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            String json = fixture(e.getKey());
            EventEnvelope envelope = EventCodec.decode(json);
            assertEquals(e.getKey(), envelope.type());
            EventData data = envelope.payload();
            assertInstanceOf(e.getValue(), data);
            // every field the fixture sets is read into the record
            JsonNode fixtureData = EventCodec.mapper().readTree(json).get("data");
            for (RecordComponent component : e.getValue().getRecordComponents()) {
                if (fixtureData.hasNonNull(component.getName())) {
                    assertNotNull(component.getAccessor().invoke(data), component.getName());
                }
            }
            // and writing it again gives the same fact
            EventEnvelope again = EventCodec.decode(EventCodec.encode(envelope));
            assertEquals(envelope.payload(), again.payload());
            assertEquals(envelope.time(), again.time());
        }));
    }

    @Test
    void readersTolerateFieldsAddedLater() throws IOException {
        ObjectNode tree = (ObjectNode) EventCodec.mapper().readTree(fixture("no.knutepunkt.delivery.delivered.v1"));
        ((ObjectNode) tree.get("data")).put("addedInALaterRelease", "x");
        tree.put("someextension", "y");
        MessageDelivered delivered = (MessageDelivered) EventCodec.decode(tree.toString()).payload();
        assertEquals(1, delivered.attempts());
    }

    @Test
    void unknownTypesAreReportedNotGuessed() {
        String json = fixture("no.knutepunkt.delivery.delivered.v1").replace("delivered.v1", "delivered.v9");
        assertThrows(EventCatalog.UnknownEventTypeException.class, () -> EventCodec.decode(json).payload());
    }

    @Test
    void newEnvelopesCarryTypeCorrelationAndCausation() {
        EventEnvelope received = EventCodec.decode(fixture("no.knutepunkt.message.received.v1"));
        MessageUnroutable unroutable = new MessageUnroutable("m-1", "312229544", "no route", received.time());
        EventEnvelope next = EventEnvelope.causedBy(received, "knutepunkt/routing-service", unroutable);
        assertEquals("no.knutepunkt.routing.unroutable.v1", next.type());
        assertEquals(received.correlationid(), next.correlationid());
        assertEquals(received.id(), next.causationid());
        assertEquals(received.subject(), next.subject());
        assertEquals(unroutable, EventCodec.decode(EventCodec.encode(next)).payload());
    }

    static String fixture(String type) {
        try (InputStream in = GoldenEventTest.class.getResourceAsStream("/events/" + type + ".json")) {
            assertNotNull(in, "no golden fixture for " + type);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
