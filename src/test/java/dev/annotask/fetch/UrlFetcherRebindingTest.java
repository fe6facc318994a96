package dev.annotask.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annotask.api.MemoryBudget;
import dev.annotask.testing.CountingListener;
import dev.annotask.testing.ScriptedNames;
import dev.annotask.testing.Origin;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DNS rebinding: a name that answers an allowed address when checked and a refused one the
 * next time must never get the fetcher to the refused one. The test plays the name server
 * ({@link ScriptedNames}): the "public" address is 127.0.0.1, where the origin
 * listens and which the policy allows; the "internal" one is 127.0.0.2, refused like all other
 * loopback, where a socket on the origin's very port counts every connection it is offered.
 * A fetcher that looked the name up once to check it and again to connect would reach it.
 */
class UrlFetcherRebindingTest {
    private static final InetAddress ALLOWED = ScriptedNames.address("127.0.0.1");
    private static final InetAddress INTERNAL = ScriptedNames.address("127.0.0.2");
    private static final MemoryBudget BUDGET = new MemoryBudget(16L * 1024 * 1024);

    private static Origin origin;
    private static CountingListener internal;
    private static UrlFetcher fetcher;
    private static final ScriptedNames NAMES = new ScriptedNames();

    @BeforeAll
    static void start() {
        origin = new Origin().zeros("/content", 5_000, true).redirect("/away", 302, "/content");
        internal = new CountingListener(new InetSocketAddress(INTERNAL, origin.port()));
        fetcher = new UrlFetcher(AddressPolicy.allowing(List.of("127.0.0.1/32")), 1_000_000, Duration.ofSeconds(5),
                BUDGET, NAMES);
    }

    @AfterAll
    static void stop() {
        fetcher.close();
        internal.close();
        origin.close();
    }

    @BeforeEach
    void checkTheListenerCounts() throws Exception {
        internal.proveItCounts();
    }

    @AfterEach
    void nothingReachedTheInternalAddress() {
        assertThat(internal.connections()).as("connections offered to the refused address").isZero();
    }

    @Test
    void aNameThatRebindsAfterItsCheckIsFetchedFromTheAddressChecked() throws Exception {
        String host = "rebinds.example";
        NAMES.answer(host, List.of(new InetAddress[] {ALLOWED}, new InetAddress[] {INTERNAL}));
        try (UrlFetcher.Fetched fetched = fetcher.fetch("http://" + host + ":" + origin.port() + "/content")) {
            assertThat(fetched.bytes()).hasSize(5_000);
        }
        assertThat(NAMES.lookups(host)).as("one lookup, both checked and connected to").isEqualTo(1);
    }

    @Test
    void aRedirectToTheSameRebindingNameNeverReachesTheInternalAddress() throws Exception {
        String host = "rebinds-on-redirect.example";
        NAMES.answer(host, List.of(new InetAddress[] {ALLOWED}, new InetAddress[] {INTERNAL}));
        // The second hop either rides the first hop's connection (to the address checked) or opens
        // one, and then looks the name up anew, gets the internal address and is refused.
        try (UrlFetcher.Fetched fetched = fetcher.fetch("http://" + host + ":" + origin.port() + "/away")) {
            assertThat(fetched.bytes()).hasSize(5_000);
            assertThat(NAMES.lookups(host)).isEqualTo(1);
        } catch (UrlFetcher.Refused refused) {
            assertThat(refused.getMessage()).contains("127.0.0.2 is a loopback");
            assertThat(NAMES.lookups(host)).isEqualTo(2);
        }
    }

    @Test
    void aNameThatAnswersTheInternalAddressFirstIsRefusedWithoutAConnection() {
        String host = "internal-first.example";
        NAMES.answer(host, List.of(new InetAddress[] {INTERNAL}, new InetAddress[] {ALLOWED}));
        assertThatThrownBy(() -> fetcher.fetch("http://" + host + ":" + origin.port() + "/content"))
                .isInstanceOf(UrlFetcher.Refused.class)
                .hasMessage("fetching " + host + " refused: 127.0.0.2 is a loopback, private, link-local or reserved"
                        + " address; the server fetches only from public addresses (see --fetch-allow-networks)");
        assertThat(NAMES.lookups(host)).isEqualTo(1);
    }

    @Test
    void oneRefusedAddressAmongAllowedOnesRefusesTheName() {
        String host = "mixed.example";
        NAMES.answer(host, List.<InetAddress[]>of(new InetAddress[] {ALLOWED, INTERNAL}));
        assertThatThrownBy(() -> fetcher.fetch("http://" + host + ":" + origin.port() + "/content"))
                .isInstanceOf(UrlFetcher.Refused.class).hasMessageContaining("127.0.0.2 is a loopback");
    }

    @Test
    void aNameWithoutAnswerIsUnknown() {
        assertThatThrownBy(() -> fetcher.fetch("http://nowhere.example:" + origin.port() + "/content"))
                .isInstanceOf(UrlFetcher.Refused.class).hasMessage("the host nowhere.example is not known");
    }
}
