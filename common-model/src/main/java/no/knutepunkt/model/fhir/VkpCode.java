package no.knutepunkt.model.fhir;

/**
 * VKP's error codes ({@code vkp-operation-outcome-v090}), with the HTTP status Knutepunkt answers for each.
 */
public enum VkpCode {
    FORBIDDEN("1", "forbudt", 403),
    NOT_ACTIVE("1.1", "ikke aktiv", 403),
    NOT_ALLOWED("1.2", "ikke tillatt", 403),
    MISSING_ACTIVE_SERVICE("1.3", "ikke oppfylt tjenstlig behov", 403),
    NO_ACCESS("1.4", "ikke tilgang", 403),
    NOT_AUTHORIZED("1.5", "ikke tilgang", 401),
    INVALID("2", "ugyldige data", 400),
    INVALID_SSN("2.1", "ugyldig personidentifikator", 400),
    INVALID_ORG("2.2", "ugyldig systemidentifikator", 400),
    INVALID_PARAMETER_COUNT("2.3", "ugyldig antall parametere", 400),
    INVALID_FORMAT("2.4", "ugyldig format", 400),
    OTHER("3", "annen feil", 500),
    TIMED_OUT("3.1", "time out", 504);

    public static final String SYSTEM = "http://ehelse.no/fhir/CodeSystem/vkp-operation-outcome-v090";

    private final String code;
    private final String display;
    private final int httpStatus;

    VkpCode(String code, String display, int httpStatus) {
        this.code = code;
        this.display = display;
        this.httpStatus = httpStatus;
    }

    public String code() {
        return code;
    }

    public String display() {
        return display;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public static VkpCode ofCode(String code) {
        for (VkpCode c : values()) {
            if (c.code.equals(code)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown VKP code " + code);
    }
}
