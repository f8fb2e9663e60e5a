package no.knutepunkt.model.crypto;

import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.reactive.datasource.ReactiveDataSource;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;

/**
 * The payload vault of a service that sets {@code knutepunkt.vault.enabled=true} at build time and configures the
 * {@code vault} datasource: ingest seals, delivery opens, audit only erases (it holds no master key).
 */
@ApplicationScoped
@IfBuildProperty(name = "knutepunkt.vault.enabled", stringValue = "true")
public class VaultSetup {

    @Produces
    @ApplicationScoped
    PayloadVault vault(@ReactiveDataSource("vault") Pool pool,
            @ConfigProperty(name = "knutepunkt.vault.master-key") Optional<String> masterKey) {
        return new PayloadVault(pool, masterKey.orElse(null));
    }

    void schema(@Observes StartupEvent start, PayloadVault vault) {
        vault.ensureSchema().await().indefinitely();
    }
}
