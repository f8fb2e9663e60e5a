package no.knutepunkt.model.identity;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrgnrTest {

    @Test
    void vkpTestMunicipalitiesAreWellFormedButOnlyOnePassesTheCheck() {
        assertTrue(Orgnr.hasValidCheckDigit("312229544"));
        assertTrue(Orgnr.isWellFormed("888134574"));
        assertFalse(Orgnr.hasValidCheckDigit("888134574"));
        assertFalse(Orgnr.hasValidCheckDigit("314159265"));
        assertFalse(Orgnr.isWellFormed("31222954"));
        assertFalse(Orgnr.isWellFormed("../../etc"));
    }
}
