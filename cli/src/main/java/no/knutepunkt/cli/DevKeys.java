package no.knutepunkt.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * The signing key of the local token issuer. It is made on first use in a folder of the local run (never committed);
 * services get the public half as configuration, the way production services get HelseID's keys.
 */
public final class DevKeys {

    static final String PRIVATE = "issuer-private.pk8";
    /** Base64 of the X.509 SubjectPublicKeyInfo: what {@code quarkus.oidc.public-key} takes. */
    static final String PUBLIC = "issuer-public.b64";

    private DevKeys() {
    }

    public static void ensure(Path dir) {
        try {
            if (Files.exists(dir.resolve(PRIVATE)) && Files.exists(dir.resolve(PUBLIC))) {
                return;
            }
            Files.createDirectories(dir);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Files.write(dir.resolve(PRIVATE), pair.getPrivate().getEncoded());
            Files.writeString(dir.resolve(PUBLIC), Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static PrivateKey privateKey(Path dir) {
        ensure(dir);
        try {
            return KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(dir.resolve(PRIVATE))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String publicKey(Path dir) {
        ensure(dir);
        try {
            return Files.readString(dir.resolve(PUBLIC)).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
