package dev.annotask.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annotask.api.MemoryBudget;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.annotask.testing.Origin;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fetcher on its own against a local origin: content within the cap arrives whole and
 * gives its share of the memory budget back; a stalled body is cut off at the deadline; the
 * cap holds without a declared length; every address a policy refuses is refused, whatever
 * form it is written in; nothing is sent but the request (no cookie an origin set, no
 * {@code Accept-Encoding}), and the origin's bytes are kept as sent; HTTPS checks certificates.
 */
class UrlFetcherTest {
    private static final MemoryBudget BUDGET = new MemoryBudget(64L * 1024 * 1024);
    private static Origin origin;
    private static final byte[] GZIPPED = gzip("hello, compressed world");
    private static final AtomicReference<Headers> SEEN = new AtomicReference<>();
    private static UrlFetcher fetcher;

    @BeforeAll
    static void start() {
        origin = new Origin().zeros("/hundred-k", 100_000, false).zeros("/two-meg", 2_000_001, true).stall("/stall")
                .zeros("/empty", 0, true)
                .handle("/gzipped", exchange -> {
                    exchange.getResponseHeaders().add("Content-Encoding", "gzip");
                    exchange.sendResponseHeaders(200, GZIPPED.length);
                    exchange.getResponseBody().write(GZIPPED);
                })
                .handle("/sets-cookie", exchange -> {
                    exchange.getResponseHeaders().add("Set-Cookie", "session=secret; Path=/");
                    exchange.getResponseHeaders().add("Location", "/headers");
                    exchange.sendResponseHeaders(302, -1);
                })
                .handle("/headers", exchange -> {
                    SEEN.set(exchange.getRequestHeaders());
                    exchange.sendResponseHeaders(200, 2);
                    exchange.getResponseBody().write("ok".getBytes(StandardCharsets.US_ASCII));
                });
        fetcher = new UrlFetcher(AddressPolicy.allowing(List.of("127.0.0.1")), 2_000_000, Duration.ofSeconds(2), BUDGET);
    }

    @AfterAll
    static void stop() {
        fetcher.close();
        origin.close();
    }

    @Test
    void contentWithinTheCapArrivesWholeAndItsMemoryShareIsGivenBack() throws Exception {
        try (UrlFetcher.Fetched fetched = fetcher.fetch(origin.url("/hundred-k"))) {
            assertThat(fetched.bytes()).hasSize(100_000);
            assertThat(BUDGET.available()).as("held while the bytes are").isLessThan(BUDGET.capacity());
        }
        assertThat(BUDGET.available()).isEqualTo(BUDGET.capacity());
    }

    @Test
    void aDeclaredLengthOverTheCapIsRefusedAndHoldsNoMemory() {
        assertThatThrownBy(() -> fetcher.fetch(origin.url("/two-meg")))
                .isInstanceOf(UrlFetcher.Refused.class).hasMessageContaining("2000001 bytes");
        assertThat(BUDGET.available()).isEqualTo(BUDGET.capacity());
    }

    @Test
    void aStalledBodyIsCutOffAtTheDeadline() {
        assertThatThrownBy(() -> fetcher.fetch(origin.url("/stall")))
                .isInstanceOf(UrlFetcher.Refused.class).hasMessageContaining("did not send its content within 2 s");
        assertThat(BUDGET.available()).isEqualTo(BUDGET.capacity());
    }

    @Test
    void noContentIsNoInput() {
        assertThatThrownBy(() -> fetcher.fetch(origin.url("/empty")))
                .isInstanceOf(UrlFetcher.Refused.class).hasMessageContaining("no content");
    }

    @Test
    void aUrlThatIsNoWebUrlIsRefused() {
        assertThatThrownBy(() -> fetcher.fetch("ftp://127.0.0.1/x")).isInstanceOf(UrlFetcher.Refused.class)
                .hasMessageContaining("only http and https");
        assertThatThrownBy(() -> fetcher.fetch("http:///no-host")).isInstanceOf(UrlFetcher.Refused.class);
        assertThatThrownBy(() -> fetcher.fetch("not a url")).isInstanceOf(UrlFetcher.Refused.class);
    }

    @Test
    void theDefaultPolicyRefusesEveryNonPublicRangeInEveryForm() throws Exception {
        AddressPolicy policy = AddressPolicy.allowing(List.of());
        for (String address : List.of("127.0.0.1", "127.255.0.9", "10.0.0.1", "172.16.5.4", "172.31.255.255",
                "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::",
                "fe80::1", "fd00::1", "fc00::5", "ff02::1", "::ffff:127.0.0.1", "::127.0.0.1", "64:ff9b::a00:1",
                "2002:a9fe:a9fe::1")) {
            assertThat(policy.refusal(InetAddress.getByName(address))).as(address).isPresent();
        }
        for (String address : List.of("93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:4700::1111", "64:ff9b::808:808")) {
            assertThat(policy.refusal(InetAddress.getByName(address))).as(address).isEmpty();
        }
    }

    @Test
    void allowedNetworksAreFetchedFromAndNothingBeyondThem() throws Exception {
        AddressPolicy policy = AddressPolicy.allowing(List.of("10.1.0.0/16", "::1", " 127.0.0.1/32 "));
        assertThat(policy.refusal(InetAddress.getByName("10.1.200.3"))).isEmpty();
        assertThat(policy.refusal(InetAddress.getByName("::1"))).isEmpty();
        assertThat(policy.refusal(InetAddress.getByName("127.0.0.1"))).isEmpty();
        assertThat(policy.refusal(InetAddress.getByName("10.2.0.1"))).isPresent();
        assertThat(policy.refusal(InetAddress.getByName("127.0.0.2"))).isPresent();
        for (String bad : List.of("10.0.0.0/33", "localhost", "example.com/8", "1.2.3.4/x", "::1/129", "/8")) {
            assertThatThrownBy(() -> AddressPolicy.allowing(List.of(bad))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void nothingIsSentButTheRequestAndTheBytesAreKeptAsSent() throws Exception {
        try (UrlFetcher.Fetched fetched = fetcher.fetch(origin.url("/sets-cookie"))) {
            assertThat(new String(fetched.bytes(), StandardCharsets.US_ASCII)).isEqualTo("ok");
        }
        Headers seen = SEEN.get();
        assertThat(seen.containsKey("Cookie")).as("the cookie the redirect set").isFalse();
        assertThat(seen.containsKey("Accept-encoding")).isFalse();
        assertThat(seen.containsKey("Authorization")).isFalse();
        assertThat(seen.getFirst("User-agent")).isEqualTo("Annotask");
        try (UrlFetcher.Fetched fetched = fetcher.fetch(origin.url("/gzipped"))) {
            assertThat(fetched.bytes()).as("not decoded").isEqualTo(GZIPPED);
        }
    }

    @Test
    void anHttpsOriginWithACertificateNoAuthorityVouchesForIsRefused(@TempDir Path dir) throws Exception {
        char[] password = "changeit".toCharArray();
        Path store = dir.resolve("origin.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "origin", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", new String(password)).redirectErrorStream(true).start();
        String said = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(said).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(store)) {
            keys.load(in, password);
        }
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, password);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(managers.getKeyManagers(), null, null);
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(tls));
        AtomicInteger requests = new AtomicInteger();
        https.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(200, 1);
            exchange.getResponseBody().write(1);
            exchange.close();
        });
        https.start();
        try {
            assertThatThrownBy(() -> fetcher.fetch("https://127.0.0.1:" + https.getAddress().getPort() + "/x"))
                    .isInstanceOf(UrlFetcher.Refused.class).hasMessageContaining("could not fetch from 127.0.0.1");
            assertThat(requests.get()).as("no request got past the handshake").isZero();
        } finally {
            https.stop(0);
        }
    }

    private static byte[] gzip(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }
}
