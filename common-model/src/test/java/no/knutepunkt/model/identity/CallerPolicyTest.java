package no.knutepunkt.model.identity;

import no.knutepunkt.model.rest.ApiCaller;
import no.knutepunkt.model.rest.Rejection;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CallerPolicyTest {

    static final String KOMMUNE = "312229544";

    /** HelseID as the default tenant; a municipality's Entra ID for its administrators; NHN's IdP for operators. */
    final CallerPolicy policy = new CallerPolicy(CallerPolicy.ClaimNames.HELSEID, HelseIdClaims.VKP_SCOPE_PREFIX,
            HelseIdClaims.SCOPE_JFT, Map.of(
                    Role.ADMINISTRATOR, Set.of(HelseIdClaims.SCOPE_CONSENT_ADMIN, "Knutepunkt.Admin"),
                    Role.EPJ, Set.of(HelseIdClaims.SCOPE_EPJ),
                    Role.OPERATOR, Set.of(HelseIdClaims.SCOPE_OPERATOR, "knutepunkt-operator")),
            Map.of("kommune", new CallerPolicy.Trust(EnumSet.of(Role.ADMINISTRATOR), Optional.of(KOMMUNE)),
                    "nhn", new CallerPolicy.Trust(EnumSet.of(Role.OPERATOR), Optional.empty())));

    ApiCaller caller(String tenant, Map<String, Object> claims) {
        return policy.caller(tenant, claims::get);
    }

    static Map<String, Object> claims(Object... pairs) {
        Map<String, Object> claims = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            claims.put((String) pairs[i], pairs[i + 1]);
        }
        return claims;
    }

    @Test
    void helseIdIsTrustedForEveryRoleItsScopesGive() {
        ApiCaller operator = caller(CallerPolicy.DEFAULT_TENANT, claims("scope", HelseIdClaims.SCOPE_OPERATOR));
        assertTrue(operator.isOperator());
        ApiCaller admin = caller(null, claims("scope", List.of(HelseIdClaims.SCOPE_CONSENT_ADMIN),
                HelseIdClaims.ORGNR_PARENT, KOMMUNE));
        assertTrue(admin.administers(KOMMUNE));
        assertFalse(admin.administers("999999999"));
        assertFalse(admin.isOperator());
        assertEquals(KOMMUNE, caller(null, claims("scope", HelseIdClaims.SCOPE_EPJ, HelseIdClaims.ORGNR_PARENT,
                KOMMUNE)).mustBeEpj());
    }

    @Test
    void aMunicipalitysIdpMakesAdministratorsOfThatMunicipalityOnly() {
        // Entra ID sends app roles in "roles"; the orgnr claim it might carry is not what binds it
        ApiCaller admin = caller("kommune", claims("roles", List.of("Knutepunkt.Admin"),
                HelseIdClaims.ORGNR_PARENT, "999999999"));
        assertTrue(admin.administers(KOMMUNE));
        assertFalse(admin.administers("999999999"));
        // however its tokens are filled in, it makes no operator, EPJ or vendor
        ApiCaller overreaching = caller("kommune", claims("scope", List.of(HelseIdClaims.SCOPE_OPERATOR,
                HelseIdClaims.SCOPE_EPJ, HelseIdClaims.vkpScope("bundle", "write")), "roles", "knutepunkt-operator",
                HelseIdClaims.CLIENT_AMR, HelseIdClaims.PRIVATE_KEY_JWT, HelseIdClaims.VKP_ID, "A_B_" + KOMMUNE));
        assertFalse(overreaching.isOperator());
        assertFalse(overreaching.administers(KOMMUNE));
        assertThrows(Rejection.class, overreaching::mustBeEpj);
        Rejection vendor = assertThrows(Rejection.class, () -> overreaching.mustBeVendor("bundle", "write", false));
        assertEquals(403, vendor.status());
        assertTrue(vendor.getMessage().contains("not trusted for vendor"), vendor.getMessage());
        assertFalse(overreaching.isSender("A_B_" + KOMMUNE));
    }

    @Test
    void anOperatorsIdpMakesOperatorsByItsOwnRoleName() {
        assertTrue(caller("nhn", claims("roles", "knutepunkt-operator")).isOperator());
        assertFalse(caller("nhn", claims("roles", "reader")).isOperator());
        assertFalse(caller("nhn", claims("scope", HelseIdClaims.SCOPE_CONSENT_ADMIN, HelseIdClaims.ORGNR_PARENT,
                KOMMUNE)).administers(KOMMUNE));
    }

    @Test
    void aTenantNobodyListedIsTrustedForNothing() {
        ApiCaller stranger = caller("unlisted", claims("scope", HelseIdClaims.SCOPE_OPERATOR));
        assertTrue(stranger.roles().isEmpty());
        assertThrows(Rejection.class, stranger::mustOperate);
    }

    @Test
    void aVendorNeedsPrivateKeyJwtTheScopeAndAVkpIdInThatOrder() {
        Map<String, Object> token = claims("scope", "nhn:vkp/api/user/bundle.write", HelseIdClaims.VKP_ID, "V_S_1");
        assertTrue(assertThrows(Rejection.class, () -> caller(null, token).mustBeVendor("bundle", "write", false))
                .getMessage().contains("private_key_jwt"));
        token.put(HelseIdClaims.CLIENT_AMR, HelseIdClaims.PRIVATE_KEY_JWT);
        assertEquals("V_S_1", caller(null, token).mustBeVendor("bundle", "write", false).vkpId());
        assertTrue(assertThrows(Rejection.class, () -> caller(null, token).mustBeVendor("composition", "write",
                false)).getMessage().contains("nhn:vkp/api/user/composition.write"));
        token.put("scope", List.of(HelseIdClaims.SCOPE_JFT));
        assertEquals("V_S_1", caller(null, token).mustBeVendor("composition", "write", true).vkpId());
        token.remove(HelseIdClaims.VKP_ID);
        token.put("scope", "nhn:vkp/api/user/bundle.*");
        assertTrue(assertThrows(Rejection.class, () -> caller(null, token).mustBeVendor("bundle", "write", false))
                .getMessage().contains("vkp-id"));
    }

    @Test
    void claimNamesAreTheConfiguredOnes() {
        CallerPolicy renamed = new CallerPolicy(new CallerPolicy.ClaimNames("vendor_id", "azp", "amr", "org",
                "groups"), "vkp:", "jft", policy.grants(), Map.of());
        ApiCaller vendor = renamed.caller(null, claims("vendor_id", "V_S_2", "azp", "c", "amr",
                HelseIdClaims.PRIVATE_KEY_JWT, "scope", "vkp:bundle.write")::get);
        assertEquals("V_S_2", vendor.mustBeVendor("bundle", "write", false).vkpId());
        assertTrue(renamed.caller(null, claims("groups", List.of("knutepunkt-operator"))::get).isOperator());
    }
}
