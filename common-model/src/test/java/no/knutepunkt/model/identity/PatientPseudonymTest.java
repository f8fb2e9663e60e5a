package no.knutepunkt.model.identity;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PatientPseudonymTest {

    @Test
    void stablePerSecretAndNeverTheIdentifier() {
        PatientPseudonym a = new PatientPseudonym("a-secret-of-enough-length");
        String key = a.of(NationalId.FNR_SYSTEM, "14834540011");
        assertEquals(32, key.length());
        assertEquals(key, a.of(NationalId.FNR_SYSTEM, "14834540011"));
        assertFalse(key.contains("14834540011"));
        assertNotEquals(key, a.of(NationalId.FNR_SYSTEM, "02913846098"));
        assertNotEquals(key, new PatientPseudonym("another-secret-of-length").of(NationalId.FNR_SYSTEM, "14834540011"));
    }

    @Test
    void shortSecretsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PatientPseudonym("short"));
    }
}
