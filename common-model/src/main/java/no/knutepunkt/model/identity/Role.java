package no.knutepunkt.model.identity;

import java.util.Locale;

/**
 * What a caller of the hub may be. An issuer is trusted for some of them ({@link CallerPolicy.Trust}); a token holds
 * one when its issuer is trusted for it and, except for a vendor, it carries one of the role's scopes or roles.
 */
public enum Role {
    /** A vendor system writing and reading under its vkp-id; what it may touch is decided by its VKP scopes. */
    VENDOR,
    /** A municipality's EPJ, bound to one orgnr. */
    EPJ,
    /** A municipality's administrator of its grants, restrictions and flows, bound to one orgnr. */
    ADMINISTRATOR,
    /** An NHN operator: routes, and reading everything. */
    OPERATOR;

    /** The name used in configuration: {@code vendor}, {@code epj}, {@code administrator}, {@code operator}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role ofConfigName(String name) {
        for (Role role : values()) {
            if (role.configName().equals(name.trim().toLowerCase(Locale.ROOT))) {
                return role;
            }
        }
        throw new IllegalArgumentException("no role '" + name + "' (one of vendor, epj, administrator, operator)");
    }
}
