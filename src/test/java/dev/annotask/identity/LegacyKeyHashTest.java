package dev.annotask.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.AnnotaskServer;
import dev.annotask.config.ServerConfig;
import dev.annotask.proto.api.MultiKeyResponse;
import dev.annotask.proto.api.SingleKeyResponse;
import dev.annotask.proto.api.SingleUserResponse;
import dev.annotask.store.Ids;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.TestDatabases;
import java.time.Duration;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keys written before migration V7 (a bare SHA-256 of the secret, a fingerprint that was a
 * prefix of it) keep working after the upgrade, on both databases: the migration gives them a
 * random fingerprint, and their first use rewrites the hash to the server's HMAC.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class LegacyKeyHashTest {
    @Parameter
    SqlDialect dialect;

    @Test
    void aKeyStoredAsBareSha256StillAuthenticatesAndIsRehashedOnFirstUse() {
        ServerConfig config = ServerConfig.forDirectory(TestDatabases.tempDirectory());
        if (dialect == SqlDialect.POSTGRESQL) {
            config = config.withDatabase(TestDatabases.newDatabase(dialect), null, null);
        }
        String url = config.databaseUrl() != null ? config.databaseUrl()
                : SqlDialect.sqliteUrl(config.dataDir().resolve("annotask.db"));
        Flyway.configure().dataSource(url, null, null).locations(dialect.migrationLocation()).target("5").load()
                .migrate();
        String secret = Ids.newId();
        String sha256 = KeyHasher.legacyHash(secret);
        String oldFingerprint = sha256.substring(0, 16);
        Jdbi jdbi = Jdbi.create(url);
        jdbi.useHandle(handle -> {
            handle.execute("INSERT INTO users (id, is_admin, created_at) VALUES ('admin', TRUE, 1)");
            handle.execute("INSERT INTO users (id, created_at) VALUES ('old', 1)");
            handle.execute("INSERT INTO api_keys (token_hash, fingerprint, user_id, type, scopes, created_at)"
                    + " VALUES (?, ?, 'old', 'personal_access_token', 'All', 1)", sha256, oldFingerprint);
        });

        try (AnnotaskServer server = new AnnotaskServer(config).stopGrace(Duration.ZERO).start()) {
            Map<String, Object> migrated = keyRow(jdbi);
            assertThat(migrated).containsEntry("token_hash", sha256).containsEntry("hash_scheme", "sha256");
            assertThat((String) migrated.get("fingerprint")).as("the migration replaces the hash prefix")
                    .matches("[0-9a-f]{16}").isNotEqualTo(oldFingerprint);

            ApiClient api = new ApiClient(server.httpPort());
            var me = api.send("GET", "/v2/users/me", secret, null, SingleUserResponse.getDefaultInstance());
            assertThat(me.code()).as(me.body()).isEqualTo(10000);
            assertThat(me.message().getUser().getId()).isEqualTo("old");

            String hmac = KeyHasher.forDatabase(server.database().jdbi()).hash(secret);
            assertThat(keyRow(jdbi)).as("rewritten on first use").containsEntry("token_hash", hmac)
                    .containsEntry("hash_scheme", "hmac-sha256").containsEntry("fingerprint", migrated.get("fingerprint"));
            assertThat(api.send("GET", "/v2/users/me", secret, null, SingleUserResponse.getDefaultInstance()).code())
                    .isEqualTo(10000);
            assertThat(api.send("GET", "/v2/users/me/keys/" + secret, secret, null,
                    SingleKeyResponse.getDefaultInstance()).message().getKey().getId()).isEqualTo(migrated.get("fingerprint"));
            assertThat(api.send("GET", "/v2/users/me/keys", secret, null, MultiKeyResponse.getDefaultInstance()).body())
                    .doesNotContain(oldFingerprint).doesNotContain(sha256).doesNotContain(hmac);
            assertThat(api.send("GET", "/v2/users/me", sha256, null, SingleUserResponse.getDefaultInstance()).code())
                    .as("the old hash is no key").isEqualTo(11008);
        }
    }

    private static Map<String, Object> keyRow(Jdbi jdbi) {
        return jdbi.withHandle(handle -> handle.createQuery(
                "SELECT token_hash, hash_scheme, fingerprint FROM api_keys WHERE user_id = 'old'").mapToMap().one());
    }
}
