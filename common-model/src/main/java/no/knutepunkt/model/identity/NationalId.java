package no.knutepunkt.model.identity;

/**
 * Norwegian person identifiers: fødselsnummer and D-nummer (11 digits, two mod-11 check digits). Synthetic test
 * identities (month + 40 or + 80) pass the same check.
 */
public final class NationalId {

    public static final String FNR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.1";
    public static final String DNR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.2";
    public static final String FHN_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.3";

    private static final int[] K1 = {3, 7, 6, 1, 8, 9, 4, 5, 2};
    private static final int[] K2 = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};

    private NationalId() {
    }

    public static boolean isPersonSystem(String system) {
        return FNR_SYSTEM.equals(system) || DNR_SYSTEM.equals(system) || FHN_SYSTEM.equals(system);
    }

    /** True when {@code value} is 11 digits whose two check digits are right. */
    public static boolean hasValidCheckDigits(String value) {
        if (value == null || value.length() != 11) {
            return false;
        }
        int[] d = new int[11];
        for (int i = 0; i < 11; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            d[i] = c - '0';
        }
        return checkDigit(d, K1) == d[9] && checkDigit(d, K2) == d[10];
    }

    /** Synthetic test identities (Skatteetaten's convention, used by JFT): the month is raised by 80. */
    public static boolean isSynthetic(String value) {
        return value != null && value.length() == 11 && value.charAt(2) >= '8';
    }

    /** A synthetic identity (month + 80) with right check digits, for load and tests; never a real person's. */
    public static String synthetic(java.util.Random random) {
        while (true) {
            int[] d = new int[11];
            String stem = String.format("%02d%02d%02d%03d", 1 + random.nextInt(28), 81 + random.nextInt(12),
                    random.nextInt(100), random.nextInt(1000));
            for (int i = 0; i < 9; i++) {
                d[i] = stem.charAt(i) - '0';
            }
            d[9] = checkDigit(d, K1);
            d[10] = checkDigit(d, K2);
            if (d[9] < 10 && d[10] < 10) { // some stems have no valid check digit
                return stem + d[9] + d[10];
            }
        }
    }

    /** D-nummer: the first digit is raised by 4 (day + 40). */
    public static boolean isDNumber(String value) {
        return hasValidCheckDigits(value) && value.charAt(0) >= '4';
    }

    private static int checkDigit(int[] digits, int[] weights) {
        int sum = 0;
        for (int i = 0; i < weights.length; i++) {
            sum += digits[i] * weights[i];
        }
        int k = 11 - sum % 11;
        return k == 11 ? 0 : k; // 10 can never equal a digit, so it fails the comparison
    }
}
