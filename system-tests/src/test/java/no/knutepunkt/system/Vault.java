package no.knutepunkt.system;

import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import no.knutepunkt.model.crypto.PayloadVault;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;

/** The hub's payload vault, opened as a service opens it: with the home's master key and the vault database. */
final class Vault implements AutoCloseable {

    private final PgPool pool;
    private final PayloadVault vault;

    private Vault(PgPool pool, String masterKey) {
        this.pool = pool;
        this.vault = new PayloadVault(pool, masterKey);
    }

    static Vault open() throws IOException {
        PgConnectOptions db = new PgConnectOptions().setHost("127.0.0.1").setPort(Hub.POSTGRES_PORT)
                .setDatabase("vault").setUser("postgres").setPassword("postgres");
        return new Vault(PgPool.pool(db, new PoolOptions().setMaxSize(2)),
                Files.readString(Hub.HOME.resolve("keys/vault-master.key")).trim());
    }

    String read(String messageId, String payload) {
        return vault.open(messageId, payload).await().atMost(Duration.ofSeconds(10));
    }

    /** True when the payload's key is erased; any other failure is thrown. */
    boolean erased(String messageId, String payload) {
        try {
            read(messageId, payload);
            return false;
        } catch (PayloadVault.Erased e) {
            return true;
        }
    }

    @Override
    public void close() {
        pool.closeAndAwait();
    }
}
