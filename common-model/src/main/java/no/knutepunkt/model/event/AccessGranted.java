package no.knutepunkt.model.event;

import java.time.Instant;
import java.util.List;

/**
 * A municipality granted a sender access, or amended a grant (a higher version of the same grant id).
 *
 * @param scopes       allowed resource scopes, e.g. {@code nhn:vkp/api/user/bundle.write}
 * @param serviceCodes allowed ServiceCodes for reads (RT, TA, GPS, MD, DT, DHO)
 * @param validTo      end of validity, or null for open-ended
 * @param grantedBy    the client id of who made the change
 */
@EventType("no.knutepunkt.consent.granted.v1")
public record AccessGranted(String grantId, int version, String orgnr, String vkpId, String vendor, String system,
        List<String> scopes, List<String> serviceCodes, Instant validFrom, Instant validTo, String legalBasis,
        String grantedBy, Instant grantedAt) implements EventData {
}
