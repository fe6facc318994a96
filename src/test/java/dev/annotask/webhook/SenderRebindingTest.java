package dev.annotask.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.testing.CountingListener;
import dev.annotask.testing.ScriptedNames;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DNS rebinding of a webhook receiver: a name that answers an allowed address when checked and
 * a refused one the next time must never get a delivery to the refused one. The test plays the
 * name server ({@link ScriptedNames}): the "public" address is 127.0.0.1, where the
 * {@link Receiver} listens and which the test's rule lets through; every other address is
 * judged by the server's rule ({@link ReceiverAddresses} without the private-address flag), so
 * 127.0.0.2 is refused like all other loopback, and there a socket on the receiver's very port
 * counts every connection it is offered. A sender that looked the name up once to check it and
 * again to connect would reach it. Also what a delivery sends, and how failures read.
 */
class SenderRebindingTest {
    private static final InetAddress ALLOWED = ScriptedNames.address("127.0.0.1");
    private static final InetAddress INTERNAL = ScriptedNames.address("127.0.0.2");
    private static final byte[] SECRET = "a-secret-of-sixteen+".getBytes(StandardCharsets.UTF_8);
    private static final String BODY = "{\"id\":\"ev-1\",\"type\":\"task.created\"}";

    private static Receiver receiver;
    private static int port;
    private static CountingListener internal;
    private static Sender sender;
    private static final ScriptedNames NAMES = new ScriptedNames();

    @BeforeAll
    static void start() {
        receiver = new Receiver();
        port = URI.create(receiver.url("x")).getPort();
        internal = new CountingListener(new InetSocketAddress(INTERNAL, port));
        ReceiverAddresses strict = new ReceiverAddresses(false);
        sender = new Sender(Duration.ofSeconds(2),
                address -> address.equals(ALLOWED) ? Optional.empty() : strict.refusal(address),
                Clock.systemUTC(), NAMES);
    }

    @AfterAll
    static void stop() {
        sender.close();
        internal.close();
        receiver.close();
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
    void aNameThatRebindsAfterItsCheckIsDeliveredToTheAddressChecked() {
        String host = "rebinds.example";
        NAMES.answer(host, List.of(new InetAddress[] {ALLOWED}, new InetAddress[] {INTERNAL}));
        Sender.Outcome outcome = send(host, "rebinds");
        assertThat(outcome.delivered()).as(outcome.error()).isTrue();
        assertThat(outcome.httpCode()).isEqualTo(200);
        assertThat(NAMES.lookups(host)).as("one lookup, both checked and connected to").isEqualTo(1);
        List<Receiver.Request> received = receiver.received("rebinds");
        assertThat(received).hasSize(1);
        Receiver.Request request = received.get(0);
        assertThat(request.body()).isEqualTo(BODY);
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(request.header("User-Agent")).isEqualTo(Sender.USER_AGENT);
        assertThat(request.header("Annotask-Event-Id")).isEqualTo("ev-1");
        assertThat(request.header("Annotask-Event-Type")).isEqualTo("task.created");
        String signature = request.header(Signature.HEADER);
        long t = Long.parseLong(signature.substring(2, signature.indexOf(',')));
        assertThat(signature).isEqualTo(Signature.header(SECRET, t, BODY));
        assertThat(request.header("Cookie")).isNull();
        assertThat(request.header("Accept-Encoding")).isNull();
    }

    @Test
    void aNameThatAnswersTheInternalAddressFirstIsRefusedWithoutAConnection() {
        String host = "internal-first.example";
        NAMES.answer(host, List.of(new InetAddress[] {INTERNAL}, new InetAddress[] {ALLOWED}));
        Sender.Outcome outcome = send(host, "internal-first");
        assertThat(outcome.delivered()).isFalse();
        assertThat(outcome.httpCode()).isZero();
        assertThat(outcome.error()).isEqualTo("delivering to " + host + " refused: 127.0.0.2 is a loopback, private,"
                + " link-local or reserved address; receivers must be public (the server's"
                + " --webhooks-allow-private-addresses allows them)");
        assertThat(NAMES.lookups(host)).isEqualTo(1);
        assertThat(receiver.received("internal-first")).isEmpty();
    }

    @Test
    void oneRefusedAddressAmongAllowedOnesRefusesTheName() {
        String host = "mixed.example";
        NAMES.answer(host, List.<InetAddress[]>of(new InetAddress[] {ALLOWED, INTERNAL}));
        Sender.Outcome outcome = send(host, "mixed");
        assertThat(outcome.delivered()).isFalse();
        assertThat(outcome.error()).contains("127.0.0.2 is a loopback");
        assertThat(receiver.received("mixed")).isEmpty();
    }

    @Test
    void aNameWithoutAnswerIsUnknown() {
        assertThat(send("nowhere.example", "nowhere").error()).isEqualTo("the host nowhere.example is not known");
    }

    @Test
    void aRedirectIsAFailureAndNotFollowed() {
        String host = "redirects.example";
        NAMES.answer(host, List.<InetAddress[]>of(new InetAddress[] {ALLOWED}));
        receiver.script("redirects", 302);
        Sender.Outcome outcome = send(host, "redirects");
        assertThat(outcome.delivered()).isFalse();
        assertThat(outcome.httpCode()).isEqualTo(302);
        assertThat(outcome.error()).isEqualTo("HTTP 302");
        assertThat(receiver.received("redirects")).hasSize(1);
    }

    @Test
    void aReceiverThatDoesNotAnswerInTimeIsATimeout() {
        String host = "hangs.example";
        NAMES.answer(host, List.<InetAddress[]>of(new InetAddress[] {ALLOWED}));
        receiver.script("hangs", Receiver.HANG);
        Sender.Outcome outcome = send(host, "hangs");
        assertThat(outcome.delivered()).isFalse();
        assertThat(outcome.httpCode()).isZero();
        assertThat(outcome.error()).isEqualTo("timeout");
    }

    @Test
    void aPortWithoutListenerIsAConnectionRefused() throws Exception {
        int closed;
        try (ServerSocket probe = new ServerSocket(0, 1, ALLOWED)) {
            closed = probe.getLocalPort();
        }
        String host = "closed.example";
        NAMES.answer(host, List.<InetAddress[]>of(new InetAddress[] {ALLOWED}));
        Sender.Outcome outcome = sender.send(URI.create("http://" + host + ":" + closed + "/x"), "ev-1",
                "task.created", BODY, SECRET);
        assertThat(outcome.delivered()).isFalse();
        assertThat(outcome.error()).isEqualTo("connection refused");
    }

    private static Sender.Outcome send(String host, String path) {
        return sender.send(URI.create("http://" + host + ":" + port + "/" + path), "ev-1", "task.created", BODY,
                SECRET);
    }
}
