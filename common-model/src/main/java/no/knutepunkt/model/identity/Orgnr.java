package no.knutepunkt.model.identity;

/**
 * Organisation numbers from Enhetsregisteret: nine digits. The mod-11 check is reported, not enforced, because VKP's
 * own test municipalities (888134574, 314159265) fail it.
 */
public final class Orgnr {

    private static final int[] WEIGHTS = {3, 2, 7, 6, 5, 4, 3, 2};

    private Orgnr() {
    }

    public static boolean isWellFormed(String value) {
        return value != null && value.length() == 9 && value.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    public static boolean hasValidCheckDigit(String value) {
        if (!isWellFormed(value)) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < 8; i++) {
            sum += (value.charAt(i) - '0') * WEIGHTS[i];
        }
        int k = 11 - sum % 11;
        k = k == 11 ? 0 : k;
        return k != 10 && k == value.charAt(8) - '0';
    }
}
