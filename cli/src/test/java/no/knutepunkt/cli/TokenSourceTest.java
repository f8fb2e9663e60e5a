package no.knutepunkt.cli;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line's tokens when the hub trusts an external issuer: given, fetched by a command, or signed locally. */
class TokenSourceTest {

    final Map<String, String> env = new HashMap<>();
    final AtomicInteger signedLocally = new AtomicInteger();
    final TokenSource source = new TokenSource(env::get, want -> "dev-" + want.role() + "-"
            + signedLocally.incrementAndGet());

    static final TokenSource.Want VENDOR = new TokenSource.Want("vendor", null, "Lev_Sys_312229544",
            List.of("nhn:vkp/api/user/bundle.write"));
    static final TokenSource.Want ADMIN = new TokenSource.Want("admin", "312229544", null, List.of());

    @Test
    void withNothingSetTheLocalKeySigns() {
        assertEquals("dev-vendor-1", source.token(VENDOR));
    }

    @Test
    void aTokenFromTheEnvironmentIsUsedForItsRoleOnly() {
        env.put("KNUTEPUNKT_TOKEN_VENDOR", " eyJ.given.token\n");
        assertEquals("eyJ.given.token", source.token(VENDOR));
        assertEquals("dev-admin-1", source.token(ADMIN));
    }

    @Test
    void theCommandIsToldWhatIsWantedAndRunOncePerWant() throws Exception {
        java.nio.file.Path log = java.nio.file.Files.createTempFile("token-command", ".log");
        env.put("KNUTEPUNKT_TOKEN_COMMAND", "echo run >> " + log + "; "
                + "printf '%s|%s|%s|%s|%s\\n' \"$KNUTEPUNKT_TOKEN_ROLE\" \"$KNUTEPUNKT_TOKEN_ORGNR\" "
                + "\"$KNUTEPUNKT_TOKEN_VKP_ID\" \"$KNUTEPUNKT_TOKEN_SCOPE\" \"${KNUTEPUNKT_TOKEN_COMMAND:-unset}\"");
        assertEquals("vendor||Lev_Sys_312229544|nhn:vkp/api/user/bundle.write|unset", source.token(VENDOR));
        assertEquals("admin|312229544|||unset", source.token(ADMIN));
        source.token(VENDOR);
        assertEquals(2, java.nio.file.Files.readAllLines(log).size(), "a token is fetched once per want");
        assertEquals(0, signedLocally.get());
    }

    @Test
    void aFailingCommandSaysSoInsteadOfSendingAnEmptyToken() {
        env.put("KNUTEPUNKT_TOKEN_COMMAND", "echo 'issuer says no' >&2; exit 7");
        IllegalStateException failed = assertThrows(IllegalStateException.class, () -> source.token(VENDOR));
        assertTrue(failed.getMessage().contains("exit 7"), failed.getMessage());
        env.put("KNUTEPUNKT_TOKEN_COMMAND", "true");
        assertTrue(assertThrows(IllegalStateException.class, () -> source.token(ADMIN)).getMessage()
                .contains("printed nothing"));
    }
}
