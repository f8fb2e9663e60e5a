package no.knutepunkt.delivery.service;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PageTokensTest {

    static final String PATIENT = "urn:oid:2.16.578.1.12.4.1.4.1|12854849156";
    static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    final PageTokens tokens = new PageTokens("a-secret-of-at-least-16-characters");
    final PageTokens.Page page = new PageTokens.Page("312229544", "Demo_Trygghet_312229544", "careplan", PATIENT,
            "http://epj.example/fhir/CarePlan?_getpagesoffset=10", NOW.plusSeconds(900));

    @Test
    void aTokenOpensToItsPageAndHidesTheEpjsAddress() {
        String token = tokens.seal(page);
        assertEquals(page, tokens.open(token));
        assertTrue(token.matches("[A-Za-z0-9_-]+"), token);
        assertFalse(token.contains("epj.example"));
        // sealed anew each time: two links to one page do not look alike
        assertNotEquals(token, tokens.seal(page));
        // every replica derives the same key from the shared secret
        assertEquals(page, new PageTokens("a-secret-of-at-least-16-characters").open(token));
    }

    @Test
    void aTokenAlteredMadeUpOrOfAnotherSecretDoesNotOpen() {
        String token = tokens.seal(page);
        char last = token.charAt(token.length() - 2);
        String altered = token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A')
                + token.charAt(token.length() - 1);
        assertThrows(PageTokens.Invalid.class, () -> tokens.open(altered));
        assertThrows(PageTokens.Invalid.class, () -> tokens.open("bm90LWEtdG9rZW4tYXQtYWxsLXJlYWxseQ"));
        assertThrows(PageTokens.Invalid.class, () -> tokens.open("*not base64*"));
        assertThrows(PageTokens.Invalid.class, () -> new PageTokens("another-secret-of-16-characters")
                .open(token));
    }

    @Test
    void aPageBelongsOnlyToTheSearchItCameFromWhileFresh() {
        assertTrue(page.belongsTo("312229544", "Demo_Trygghet_312229544", "careplan", PATIENT, NOW));
        // another patient's search may not follow it: its need-to-know was checked for that patient only
        assertFalse(page.belongsTo("312229544", "Demo_Trygghet_312229544", "careplan",
                "urn:oid:2.16.578.1.12.4.1.4.1|03895211256", NOW));
        assertFalse(page.belongsTo("312229544", "Demo_Trygghet_312229544", "careplan", null, NOW));
        assertFalse(page.belongsTo("312229544", "Other_System_312229544", "careplan", PATIENT, NOW));
        assertFalse(page.belongsTo("999999999", "Demo_Trygghet_312229544", "careplan", PATIENT, NOW));
        assertFalse(page.belongsTo("312229544", "Demo_Trygghet_312229544", "condition", PATIENT, NOW));
        assertFalse(page.belongsTo("312229544", "Demo_Trygghet_312229544", "careplan", PATIENT,
                NOW.plusSeconds(900)));
    }
}
