package no.knutepunkt.ingest.fhir;

import no.knutepunkt.model.identity.NationalId;
import no.knutepunkt.model.rest.Rejection;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SearchQueryTest {

    static final String FNR = "12854849156";

    static Map<String, List<String>> params(String... nameValues) {
        Map<String, List<String>> p = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            p.computeIfAbsent(nameValues[i], n -> new java.util.ArrayList<>()).add(nameValues[i + 1]);
        }
        return p;
    }

    static String code(Rejection r) {
        return r.outcome().getIssueFirstRep().getDetails().getCodingFirstRep().getCode();
    }

    @Test
    void aBareNationalIdAndASystemAndValueAreTheSamePatient() {
        SearchQuery bare = SearchQuery.parse("CarePlan", params("patient.identifier", FNR, "date", "ge2026-11-01",
                "date", "le2026-12-31", "_count", "20"));
        SearchQuery full = SearchQuery.parse("CarePlan", params("identifier", NationalId.FNR_SYSTEM + "|" + FNR,
                "date", "ge2026-11-01", "date", "le2026-12-31", "_count", "20"));
        assertEquals(bare, full);
        assertEquals("patient.identifier=" + "urn%3Aoid%3A2.16.578.1.12.4.1.4.1%7C" + FNR
                + "&date=ge2026-11-01&date=le2026-12-31&_count=20", bare.form());
        assertEquals("identifier=urn%3Aoid%3A2.16.578.1.12.4.1.4.1%7C" + FNR,
                SearchQuery.parse("Patient", params("identifier", FNR)).form());
    }

    @Test
    void aListSearchNamesNoPatient() {
        SearchQuery list = SearchQuery.parse("Patient", params("_format", "json"));
        assertFalse(list.namesPatient());
        assertEquals("", list.form());
    }

    @Test
    void aPageLinkIsFollowedWithItsSearchAndOnlyAWellFormedTokenPasses() {
        String token = "AbC-_0123456789xyzAbC-_0123456789xyz";
        SearchQuery page = SearchQuery.parse("CarePlan", params("patient.identifier", FNR, "_page", token));
        assertEquals(token, page.page());
        assertTrue(page.form().endsWith("&_page=" + token), page.form());
        for (String bad : List.of("short", token + "=", token + "&x=1", "a".repeat(4001))) {
            assertEquals("2.4", code(assertThrows(Rejection.class,
                    () -> SearchQuery.parse("CarePlan", params("_page", bad)))), bad);
        }
        assertEquals("2.4", code(assertThrows(Rejection.class,
                () -> SearchQuery.parse("CarePlan", params("_page", token, "_page", token)))));
    }

    @Test
    void theLogOfARefusedSearchNamesItsPatientOnlyWhenOneValidIdIsNamed() {
        assertEquals(List.of(NationalId.FNR_SYSTEM, FNR), List.of(SearchQuery.patientNamed(params(
                "patient.identifier", FNR, "colour", "blue"))));
        assertNull(SearchQuery.patientNamed(params("patient.identifier", "12854849157")));
        assertNull(SearchQuery.patientNamed(params("identifier", FNR, "patient.identifier", "03895211256")));
        assertNull(SearchQuery.patientNamed(params("_count", "0")));
    }

    @Test
    void eachWrongParameterIsRefusedWithItsVkpCode() {
        assertEquals("2.1", code(assertThrows(Rejection.class,
                () -> SearchQuery.parse("Condition", params("patient.identifier", "12854849157")))));
        assertEquals("2.1", code(assertThrows(Rejection.class,
                () -> SearchQuery.parse("Condition", params("patient.identifier", "urn:oid:1.2.3|" + FNR)))));
        assertEquals("2.3", code(assertThrows(Rejection.class,
                () -> SearchQuery.parse("Condition", params("identifier", FNR, "patient.identifier", FNR)))));
        assertEquals("2.4", code(assertThrows(Rejection.class,
                () -> SearchQuery.parse("Condition", params("code", "I10")))));
        assertEquals("2.4", code(assertThrows(Rejection.class,
                () -> SearchQuery.parse("Patient", params("date", "ge2026-01-01")))));
        assertEquals("2.4", code(assertThrows(Rejection.class,
                () -> SearchQuery.parse("CarePlan", params("date", "since last week")))));
        assertEquals("2.3", code(assertThrows(Rejection.class,
                () -> SearchQuery.parse("CarePlan", params("date", "ge2026", "date", "le2027", "date", "eq2026")))));
        for (String count : List.of("0", "1001", "ten")) {
            assertEquals("2.4", code(assertThrows(Rejection.class,
                    () -> SearchQuery.parse("CarePlan", params("_count", count)))), count);
        }
    }
}
