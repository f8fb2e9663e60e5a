package no.knutepunkt.system;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each service's migrations ({@code db/migration}, what the service runs at start) on an empty database, by three
 * replicas starting at the same moment: Flyway's lock lets one apply each version once, the others find it done, and a
 * restart applies nothing. That the migrated schema matches the entities is checked by every service at start
 * (Hibernate's validation) in the system tests.
 */
class SchemaMigrationTest {

    private static final String PORT = System.getenv().getOrDefault("KNUTEPUNKT_DB_PORT", "28032");
    private static final int REPLICAS = 3;

    @ParameterizedTest
    @ValueSource(strings = {"ingest-service", "consent-service", "routing-service", "delivery-service",
            "audit-service"})
    void replicasStartingTogetherApplyEachVersionOnce(String service) throws Exception {
        Path migrations = Hub.ROOT.resolve(service).resolve("src/main/resources/db/migration");
        long versions;
        try (var files = Files.list(migrations)) {
            versions = files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql")).count();
        }
        assertTrue(versions > 0, service + " has migrations");
        String database = "migrations_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        sql("postgres", "CREATE DATABASE " + database);
        try {
            String url = "jdbc:postgresql://127.0.0.1:" + PORT + "/" + database;
            Callable<MigrateResult> replica = () -> Flyway.configure().dataSource(url, "postgres", "postgres")
                    .locations("filesystem:" + migrations).load().migrate();
            ExecutorService starting = Executors.newFixedThreadPool(REPLICAS);
            List<Future<MigrateResult>> results = new ArrayList<>();
            for (int i = 0; i < REPLICAS; i++) {
                results.add(starting.submit(replica));
            }
            int applied = 0;
            for (Future<MigrateResult> r : results) {
                MigrateResult result = r.get();
                assertTrue(result.success, service);
                applied += result.migrationsExecuted;
            }
            starting.shutdown();
            assertEquals(versions, applied, "each version applied by exactly one replica");
            assertEquals(versions, count(url, "SELECT count(*) FROM flyway_schema_history WHERE success"));
            assertEquals(versions, count(url, "SELECT count(DISTINCT version) FROM flyway_schema_history"));
            assertEquals(0, replica.call().migrationsExecuted, "a restart finds nothing to do");
        } finally {
            sql("postgres", "DROP DATABASE " + database + " WITH (FORCE)");
        }
    }

    private static void sql(String database, String statement) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + PORT + "/" + database,
                "postgres", "postgres")) {
            c.createStatement().execute(statement);
        }
    }

    private static long count(String url, String query) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
                ResultSet rs = c.createStatement().executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
