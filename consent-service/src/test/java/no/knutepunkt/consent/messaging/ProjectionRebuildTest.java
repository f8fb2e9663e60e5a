package no.knutepunkt.consent.messaging;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import no.knutepunkt.consent.Traffic;
import no.knutepunkt.model.event.AccessGranted;
import no.knutepunkt.model.event.AccessRevoked;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.event.EventData;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.event.PatientRestricted;
import no.knutepunkt.model.event.PatientRestrictionLifted;
import no.knutepunkt.model.kafka.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The read model is only a projection: dropped and replayed from the topics, it comes back row for row, here from a
 * register of more than 10,000 events.
 */
@QuarkusTest
class ProjectionRebuildTest {

    static final String MUNICIPALITY = "921234566";
    static final int GRANTS = 4000;
    /** This run's events, told apart from earlier runs' on the same broker. */
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    @Inject
    Pool db;

    @Test
    void droppingTheProjectionAndReplayingTheTopicsRebuildsItIdentically() {
        List<EventData> events = register();
        assertTrue(events.size() >= 10_000, "events: " + events.size());
        publish(events);

        // the live consumers have applied all of it, and nothing else is moving
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() ->
                count("SELECT count(*) FROM grant_versions WHERE vkp_id LIKE '%" + RUN + "'") == 9_000
                        && count("SELECT count(*) FROM patient_restrictions WHERE restriction_id LIKE '%" + RUN
                        + "' AND lifted_at IS NOT NULL") == 500);
        Map<String, List<String>> live = settled();

        db.query("TRUNCATE " + no.knutepunkt.consent.service.ConsentProjection.TABLES).execute().await()
                .atMost(Duration.ofSeconds(30));
        assertEquals(0, count("SELECT count(*) FROM grant_versions"));

        var rebuilt = given().auth().oauth2(Traffic.TOKENS.operator()).post("/consent/v1/projection/rebuild").then()
                .statusCode(200).extract().jsonPath();
        assertTrue(rebuilt.getLong("events") >= 10_000, "replayed " + rebuilt.getLong("events"));
        assertEquals(live, snapshot());
        System.out.printf("rebuilt the consent projection from %d events in %d ms%n", rebuilt.getLong("events"),
                rebuilt.getLong("millis"));
    }

    /** 4,000 grants, 3,000 amendments, 2,000 revocations, 500 restrictions and 500 lifts, in register order. */
    static List<EventData> register() {
        Instant t = Instant.now().minus(Duration.ofDays(400)).truncatedTo(ChronoUnit.MICROS);
        List<EventData> events = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < GRANTS; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            events.add(granted(id, 1, "Leverandor_" + (i % 40) + "_" + RUN, t = t.plusSeconds(60), i));
        }
        for (int i = 0; i < 3000; i++) {
            events.add(granted(ids.get(i), 2, "Leverandor_" + (i % 40) + "_" + RUN, t = t.plusSeconds(60), i));
        }
        for (int i = 0; i < 2000; i++) {
            events.add(new AccessRevoked(ids.get(i * 2), i * 2 < 3000 ? 3 : 2, MUNICIPALITY,
                    "Leverandor_" + (i * 2 % 40) + "_" + RUN, "avtale " + i + " sagt opp", "kommune-admin",
                    t = t.plusSeconds(60)));
        }
        for (int i = 0; i < 500; i++) {
            events.add(new PatientRestricted("r-" + i + "-" + RUN, MUNICIPALITY,
                    String.format("%032x", i), i % 2 == 0 ? null : "Leverandor_" + (i % 40) + "_" + RUN,
                    "sak " + i, "kommune-admin", t = t.plusSeconds(60)));
        }
        for (int i = 0; i < 500; i++) {
            events.add(new PatientRestrictionLifted("r-" + i + "-" + RUN, MUNICIPALITY, "opphevet " + i,
                    "kommune-admin", t = t.plusSeconds(60)));
        }
        return events;
    }

    static AccessGranted granted(String id, int version, String vkpId, Instant at, int i) {
        return new AccessGranted(id, version, MUNICIPALITY, vkpId, "Leverandor " + (i % 40), "System",
                version == 1 ? List.of("nhn:vkp/api/user/bundle.write")
                        : List.of("nhn:vkp/api/user/bundle.write", "nhn:vkp/api/user/careplan.read"),
                version == 1 ? List.of() : List.of("TA"), at, i % 3 == 0 ? at.plus(Duration.ofDays(365)) : null,
                "hol. § 3-2, avtale " + i, "kommune-admin", at);
    }

    static void publish(List<EventData> events) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Traffic.bootstrap());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            for (EventData e : events) {
                EventEnvelope envelope = EventEnvelope.create("test", MUNICIPALITY, UUID.randomUUID().toString(), null, e);
                producer.send(new ProducerRecord<>(Topics.CONSENT_GRANTS, MUNICIPALITY, EventCodec.encode(envelope)));
            }
            producer.flush();
        }
    }

    /** The projection once two snapshots a second apart agree (other tests' decisions may still be arriving). */
    Map<String, List<String>> settled() {
        Map<String, List<String>> previous = snapshot();
        while (true) {
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            Map<String, List<String>> now = snapshot();
            if (now.equals(previous)) {
                return now;
            }
            previous = now;
        }
    }

    Map<String, List<String>> snapshot() {
        return Map.of(
                "grant_versions", rows("SELECT * FROM grant_versions ORDER BY grant_id, version"),
                "patient_restrictions", rows("SELECT * FROM patient_restrictions ORDER BY restriction_id"),
                "expiry_warnings", rows("SELECT * FROM expiry_warnings ORDER BY grant_id, version"),
                "decisions", rows("SELECT * FROM decisions ORDER BY message_id"));
    }

    List<String> rows(String sql) {
        List<String> rows = new ArrayList<>();
        for (Row row : db.query(sql).execute().await().atMost(Duration.ofSeconds(30))) {
            rows.add(row.toJson().encode());
        }
        return rows;
    }

    long count(String sql) {
        return db.query(sql).execute().await().atMost(Duration.ofSeconds(30)).iterator().next().getLong(0);
    }
}
