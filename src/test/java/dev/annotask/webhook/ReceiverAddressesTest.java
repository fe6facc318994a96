package dev.annotask.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annotask.api.ApiException;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** Which receivers a subscription may name, and where a delivery may go, with and without the flag. */
class ReceiverAddressesTest {
    private final ReceiverAddresses strict = new ReceiverAddresses(false);
    private final ReceiverAddresses lenient = new ReceiverAddresses(true);

    @Test
    void nonPublicHostsAreRefusedUnlessAllowed() {
        String[] refused = {"http://127.0.0.1/x", "http://localhost:8080/x", "http://api.localhost/x", "http://10.1.2.3/",
                "http://172.16.0.1/", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data", "http://0.0.0.0/",
                "http://100.64.0.1/", "http://[::1]/", "http://[fd00::1]/", "http://[fe80::1]/", "http://[::ffff:127.0.0.1]/",
                "http://224.0.0.1/"};
        for (String url : refused) {
            assertThatThrownBy(() -> strict.requireValid("url", url)).as(url).isInstanceOf(ApiException.class)
                    .hasMessageContaining("public");
            assertThat(lenient.requireValid("url", url)).as(url).isNotNull();
        }
        assertThat(strict.requireValid("url", "https://8.8.8.8/hook")).isNotNull();
        assertThat(strict.requireValid("url", "https://hooks.example.com/hook")).as("names are checked at delivery")
                .isNotNull();
    }

    @Test
    void deliveriesCheckEveryResolvedAddress() throws Exception {
        assertThat(strict.refusal(InetAddress.getByName("127.0.0.1"))).get().asString()
                .startsWith("127.0.0.1 is a loopback").contains("--webhooks-allow-private-addresses");
        assertThat(strict.refusal(InetAddress.getByName("169.254.169.254"))).isPresent();
        assertThat(lenient.refusal(InetAddress.getByName("127.0.0.1"))).isEmpty();
        assertThat(strict.refusal(InetAddress.getByName("8.8.8.8"))).isEmpty();
    }

    @Test
    void theRuleOnAddresses() throws Exception {
        assertThat(ReceiverAddresses.isPublic(InetAddress.getByName("93.184.216.34"))).isTrue();
        assertThat(ReceiverAddresses.isPublic(InetAddress.getByName("2606:2800:220:1::1"))).isTrue();
        assertThat(ReceiverAddresses.isPublic(InetAddress.getByName("64:ff9b::a00:1"))).as("NAT64 of 10.0.0.1").isFalse();
        assertThat(ReceiverAddresses.isPublic(InetAddress.getByName("198.18.0.1"))).isFalse();
        assertThat(ReceiverAddresses.isPublic(InetAddress.getByName("255.255.255.255"))).isFalse();
    }

    @Test
    void retriesDoubleWithJitterUpToTheLongestDelay() {
        Backoff backoff = new Backoff(java.time.Duration.ofSeconds(2), java.time.Duration.ofHours(1));
        for (int i = 0; i < 50; i++) {
            assertThat(backoff.delayMillis(1)).isBetween(1000L, 2000L);
            assertThat(backoff.delayMillis(3)).isBetween(4000L, 8000L);
            assertThat(backoff.delayMillis(40)).isBetween(1_800_000L, 3_600_000L);
        }
    }
}
