package dev.annotask.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.admin.MultiUserResponse;
import dev.annotask.testing.RunningServer;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A request whose statement waits past {@code --db-statement-timeout-seconds} answers
 * DATABASE_STATEMENT_TIMEOUT (40011, HTTP 503) and writes nothing; never a 500. The wait is
 * made real: another transaction holds what the request needs (on PostgreSQL a table lock,
 * on SQLite the single writer) until the request has answered.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class StatementTimeoutApiTest {
    @Parameter
    SqlDialect dialect;

    @Test
    void aStatementPastTheTimeoutAnswersARetryableStatus() throws Exception {
        try (RunningServer server = RunningServer.start(dialect, Clock.systemUTC(),
                config -> config.withStatementTimeout(Duration.ofSeconds(1)))) {
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch answered = new CountDownLatch(1);
            FutureTask<Boolean> holder = new FutureTask<>(() ->
                    server.server().database().jdbi().inTransaction(handle -> {
                        if (dialect == SqlDialect.POSTGRESQL) {
                            handle.execute("LOCK TABLE users IN EXCLUSIVE MODE");
                        }
                        held.countDown();
                        return answered.await(60, TimeUnit.SECONDS);
                    }));
            new Thread(holder, "lock-holder").start();
            assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();

            var reply = server.client().send("POST", "/v2/users", RunningServer.ADMIN_TOKEN,
                    "{\"users\":[{\"id\":\"late\"}]}", MultiUserResponse.getDefaultInstance());
            answered.countDown();
            holder.get(60, TimeUnit.SECONDS);

            assertThat(reply.code()).as(reply.body()).isEqualTo(40011);
            assertThat(reply.httpStatus()).isEqualTo(503);
            var again = server.client().send("POST", "/v2/users", RunningServer.ADMIN_TOKEN,
                    "{\"users\":[{\"id\":\"late\"}]}", MultiUserResponse.getDefaultInstance());
            assertThat(again.code()).as("nothing was written, so the retry succeeds: " + again.body())
                    .isEqualTo(10000);
        }
    }
}
