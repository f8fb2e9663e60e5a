package no.knutepunkt.model.identity;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NationalIdTest {

    @ParameterizedTest
    @ValueSource(strings = {"13116900216", "05073500186", "04056600324", "02850097219", "11845599620",
            "14834540011", "02913846098", "21867844195"})
    void publishedAndFixtureNumbersPass(String fnr) {
        assertTrue(NationalId.hasValidCheckDigits(fnr));
    }

    @ParameterizedTest
    @ValueSource(strings = {"29098300000", "01017012345", "14834540012", "1483454001", "148345400111",
            "1483454001a", ""})
    void wrongCheckDigitsOrShapeFail(String fnr) {
        assertFalse(NationalId.hasValidCheckDigits(fnr));
    }

    @org.junit.jupiter.api.Test
    void syntheticIdentitiesPassTheCheckAndAreMarkedSynthetic() {
        java.util.Random random = new java.util.Random(1);
        java.util.Set<String> made = new java.util.HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = NationalId.synthetic(random);
            assertTrue(NationalId.hasValidCheckDigits(id), id);
            assertTrue(NationalId.isSynthetic(id), id);
            made.add(id);
        }
        assertTrue(made.size() > 990, "varied: " + made.size());
    }
}
