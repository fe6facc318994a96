package dev.annotask.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;

/**
 * Where clients find stored bytes, and whether the server fetches URL inputs.
 *
 * @param publicUrl the URL clients reach the HTTP API at ({@code --public-url}, e.g.
 *     {@code https://labels.example.com}), which hosted URLs start with; null for
 *     {@code http://{host}:{port}} of this server ({@code localhost} when it listens on every address)
 * @param fetchUrls whether URL inputs are fetched and stored after their upload ({@code --fetch-urls})
 * @param fetchAllowNetworks CIDR networks fetched from although private, loopback or link-local
 *     ({@code --fetch-allow-networks}); none by default
 * @param fetchTimeout how long one fetch may take, redirects and body included
 */
public record MediaSettings(String publicUrl, boolean fetchUrls, List<String> fetchAllowNetworks,
                            Duration fetchTimeout) {
    public static final Duration DEFAULT_FETCH_TIMEOUT = Duration.ofSeconds(60);
    public static final MediaSettings DEFAULT = new MediaSettings(null, false, List.of(), DEFAULT_FETCH_TIMEOUT);

    public MediaSettings {
        fetchAllowNetworks = List.copyOf(fetchAllowNetworks);
    }

    /** The public URL without a trailing slash, or null when none is set; refuses anything but an absolute web URL. */
    public String checkedPublicUrl() {
        if (publicUrl == null || publicUrl.isBlank()) {
            return null;
        }
        String url = publicUrl.trim().replaceAll("/+$", "");
        try {
            URI uri = new URI(url);
            if (uri.getHost() == null || uri.getQuery() != null || uri.getFragment() != null || uri.getUserInfo() != null
                    || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
                throw new InvalidSetting("--public-url must be an http or https URL with a host and no query,"
                        + " fragment or credentials, not: " + publicUrl);
            }
        } catch (URISyntaxException e) {
            throw new InvalidSetting("--public-url is no URL: " + publicUrl);
        }
        return url;
    }

    public MediaSettings withPublicUrl(String url) {
        return new MediaSettings(url, fetchUrls, fetchAllowNetworks, fetchTimeout);
    }

    public MediaSettings withFetchUrls(boolean fetch, List<String> allowNetworks) {
        return new MediaSettings(publicUrl, fetch, allowNetworks, fetchTimeout);
    }

    public MediaSettings withFetchTimeout(Duration timeout) {
        return new MediaSettings(publicUrl, fetchUrls, fetchAllowNetworks, timeout);
    }
}
