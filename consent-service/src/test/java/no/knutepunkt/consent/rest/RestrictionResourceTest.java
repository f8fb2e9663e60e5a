package no.knutepunkt.consent.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import no.knutepunkt.cli.TopicProbe;
import no.knutepunkt.consent.Traffic;
import no.knutepunkt.model.event.MessageAuthorized;
import no.knutepunkt.model.event.MessageDenied;
import no.knutepunkt.model.identity.PatientPseudonym;
import no.knutepunkt.model.kafka.Topics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static no.knutepunkt.consent.Traffic.ORGNR;
import static no.knutepunkt.consent.Traffic.TOKENS;
import static no.knutepunkt.consent.Traffic.decisionFor;
import static no.knutepunkt.consent.Traffic.grant;
import static no.knutepunkt.consent.Traffic.newSender;
import static no.knutepunkt.consent.Traffic.send;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** A municipality blocks one patient's flows; the patient is a keyed hash everywhere but in the request. */
@QuarkusTest
class RestrictionResourceTest {

    // the fixtures' synthetic patients; the secret is the development one both ingest and consent run with here
    static final String PATIENT = "14834540011";
    static final String OTHER_PATIENT = "02913846098";
    static final PatientPseudonym PSEUDONYM = new PatientPseudonym("local-development-secret-change-me");
    static final String RESTRICTIONS = "/consent/v1/municipalities/" + ORGNR + "/restrictions";

    @Test
    void aRestrictedPatientsMessagesAreDeniedWithCodeOneUntilLifted() {
        String vkpId = newSender();
        grant(vkpId).statusCode(201);
        String admin = TOKENS.municipalityAdmin(ORGNR);
        String patientKey = PSEUDONYM.of("urn:oid:2.16.578.1.12.4.1.4.1", PATIENT);

        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("nationalId", "14834540012", "reason", "sak 2025/117")).post(RESTRICTIONS).then()
                .statusCode(400).body("issue[0].details.coding[0].code", equalTo("2.1"));
        String created = given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("nationalId", PATIENT, "vkpId", vkpId, "reason", "vedtak om sperring, sak 2025/117"))
                .post(RESTRICTIONS).then().statusCode(201).extract().asString();
        assertFalse(created.contains(PATIENT) || created.contains(patientKey), created);
        String restrictionId = io.restassured.path.json.JsonPath.from(created).getString("restrictionId");

        MessageDenied denied = (MessageDenied) decisionFor(send(vkpId, patientKey));
        assertEquals("1", denied.vkpCode());
        assertEquals(restrictionId, denied.restrictionId());
        assertEquals("consent", denied.ruleForSender());
        // another patient, and the same patient from another sender, pass
        assertInstanceOf(MessageAuthorized.class, decisionFor(send(vkpId,
                PSEUDONYM.of("urn:oid:2.16.578.1.12.4.1.4.1", OTHER_PATIENT))));
        String otherSender = newSender();
        grant(otherSender).statusCode(201);
        assertInstanceOf(MessageAuthorized.class, decisionFor(send(otherSender, patientKey)));

        // what-if by national id says the same, and names the restriction to the municipality
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("vkpId", vkpId, "resource", "bundle", "nationalId", PATIENT))
                .post("/consent/v1/municipalities/" + ORGNR + "/evaluate").then().statusCode(200)
                .body("decision", equalTo("deny")).body("rule", equalTo("patient-restricted"))
                .body("restrictionId", equalTo(restrictionId));

        String listed = given().auth().oauth2(admin).get(RESTRICTIONS).then().statusCode(200).extract().asString();
        assertFalse(listed.contains(PATIENT) || listed.contains(patientKey), listed);

        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("reason", "sperringen er opphevet"))
                .post(RESTRICTIONS + "/" + restrictionId + "/lift").then().statusCode(200);
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("reason", "igjen"))
                .post(RESTRICTIONS + "/" + restrictionId + "/lift").then().statusCode(409);
        assertInstanceOf(MessageAuthorized.class, decisionFor(send(vkpId, patientKey)));

        // the register holds the hash, never the national id
        new TopicProbe(Traffic.bootstrap()).readAll(List.of(Topics.CONSENT_GRANTS), Duration.ofSeconds(2))
                .forEach(r -> assertFalse(r.value().contains(PATIENT), "national id on the register topic"));
    }

    @Test
    void aRestrictionForEverySenderCoversThemAll() {
        String vkpId = newSender();
        grant(vkpId).statusCode(201);
        String dNumberKey = PSEUDONYM.of("urn:oid:2.16.578.1.12.4.1.4.2", dNumber());
        given().auth().oauth2(TOKENS.municipalityAdmin(ORGNR)).contentType(ContentType.JSON)
                .body(Map.of("nationalId", dNumber(), "reason", "sperring for alle avsendere")).post(RESTRICTIONS)
                .then().statusCode(201).body("vkpId", equalTo(null));
        assertEquals("patient-restricted", ((MessageDenied) decisionFor(send(vkpId, dNumberKey))).rule());
    }

    /** A D-nummer with valid check digits: the fixture patient's, with 4 added to the first digit. */
    static String dNumber() {
        String base = "5" + PATIENT.substring(1, 9);
        for (int a = 0; a < 10; a++) {
            for (int b = 0; b < 10; b++) {
                String candidate = base + a + b;
                if (no.knutepunkt.model.identity.NationalId.hasValidCheckDigits(candidate)) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException("no D-nummer");
    }
}
