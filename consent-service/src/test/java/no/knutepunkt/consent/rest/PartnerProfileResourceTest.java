package no.knutepunkt.consent.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static no.knutepunkt.consent.Traffic.TOKENS;
import static org.hamcrest.Matchers.equalTo;

/** The partner profile through its API, against the real broker and database: versions, history, who may. */
@QuarkusTest
class PartnerProfileResourceTest {

    static final String ORGNR = "964338531";
    static final String PROFILE = "/consent/v1/municipalities/" + ORGNR + "/partner-profile";

    @Test
    void eachChangeIsAVersionInForceWhenAnsweredAndOnlyTheMunicipalityMakesIt() {
        String admin = TOKENS.municipalityAdmin(ORGNR);
        given().auth().oauth2(admin).get(PROFILE).then().statusCode(404);
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("serviceCodes", Map.of("gps", List.of("%.2.3", " 26 ", "26"), "TA", List.of("6"))))
                .put(PROFILE).then().statusCode(200).body("version", equalTo(1))
                .body("serviceCodes.GPS", equalTo(List.of("%.2.3", "26")));
        // guarded by the version the administrator saw
        given().auth().oauth2(admin).contentType(ContentType.JSON).header("If-Match", "\"7\"")
                .body(Map.of("serviceCodes", Map.of("TA", List.of("6")))).put(PROFILE).then().statusCode(412);
        given().auth().oauth2(admin).contentType(ContentType.JSON).header("If-Match", "\"1\"")
                .body(Map.of("serviceCodes", Map.of("TA", List.of("6")))).put(PROFILE).then().statusCode(200)
                .body("version", equalTo(2));
        given().auth().oauth2(admin).get(PROFILE).then().statusCode(200).header("ETag", "\"2\"")
                .body("serviceCodes.GPS", equalTo(null)).body("serviceCodes.TA", equalTo(List.of("6")));
        given().auth().oauth2(admin).get(PROFILE + "/history").then().statusCode(200)
                .body("version", equalTo(List.of(1, 2)));

        // refused: unknown codes, no patterns, another municipality's administrator, a vendor
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("serviceCodes", Map.of("XX", List.of("6")))).put(PROFILE).then().statusCode(400)
                .body("issue[0].extension[0].valueString", equalTo("profile-service-code"));
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("serviceCodes", Map.of("TA", List.of(" ")))).put(PROFILE).then().statusCode(400)
                .body("issue[0].extension[0].valueString", equalTo("profile-patterns"));
        given().auth().oauth2(TOKENS.municipalityAdmin("974760673")).contentType(ContentType.JSON)
                .body(Map.of("serviceCodes", Map.of("TA", List.of("%")))).put(PROFILE).then().statusCode(403);
        given().auth().oauth2(TOKENS.vendor("V_S_" + ORGNR, List.of("nhn:vkp/api/user/careplan.read")))
                .get(PROFILE).then().statusCode(403);
        given().auth().oauth2(TOKENS.operator()).get(PROFILE).then().statusCode(200).body("version", equalTo(2));
    }
}
