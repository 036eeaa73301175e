package dev.lathe.models.hub;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the cache lives, which hub to talk to and how patiently: read from the same environment
 * variables Python's {@code huggingface_hub} reads, so both tools share one cache and one token.
 *
 * @param cacheDir the hub cache ({@code HF_HUB_CACHE}, else {@code HF_HOME/hub}, else
 *     {@code $XDG_CACHE_HOME/huggingface/hub}, else {@code ~/.cache/huggingface/hub})
 * @param endpoint the hub's base URL ({@code HF_ENDPOINT}, default {@code https://huggingface.co})
 * @param token the access token ({@code HF_TOKEN}, else the file {@code HF_HOME/token}); never logged
 * @param offline {@code HF_HUB_OFFLINE=1}: use the cache only
 * @param connectTimeout time allowed to connect and to receive response headers
 * @param readTimeout the longest a body may stall before the transfer is abandoned and retried
 * @param maxRetries retries after a 5xx answer, a reset connection or a timeout
 * @param retryBackoff the first wait between retries (doubles each time, capped at 30 s)
 */
public record HubSettings(Path cacheDir, URI endpoint, Optional<String> token, boolean offline,
        Duration connectTimeout, Duration readTimeout, int maxRetries, Duration retryBackoff) {
    /** The public hub. */
    public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");

    public HubSettings {
        Objects.requireNonNull(cacheDir, "cacheDir");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(token, "token");
        String scheme = endpoint.getScheme();
        if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme) || endpoint.getHost() == null) {
            throw new IllegalArgumentException("hub endpoint '" + endpoint + "' must be an http(s) URL such as "
                    + DEFAULT_ENDPOINT);
        }
        String s = endpoint.toString();
        if (s.endsWith("/")) {
            endpoint = URI.create(s.replaceAll("/+$", ""));
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
        }
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(retryBackoff, "retryBackoff");
        token = token.map(String::strip).filter(t -> !t.isEmpty());
    }

    /** Settings from this process's environment. */
    public static HubSettings fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** Settings from the given environment variables (tests pass their own). */
    public static HubSettings fromEnvironment(Map<String, String> env) {
        Path home = Path.of(System.getProperty("user.home"));
        Path hfHome = nonEmpty(env.get("HF_HOME")).map(Path::of).orElseGet(() ->
                nonEmpty(env.get("XDG_CACHE_HOME")).map(Path::of).orElse(home.resolve(".cache"))
                        .resolve("huggingface"));
        Path cache = nonEmpty(env.get("HF_HUB_CACHE"))
                .or(() -> nonEmpty(env.get("HUGGINGFACE_HUB_CACHE")))
                .map(Path::of).orElse(hfHome.resolve("hub"));
        URI endpoint = nonEmpty(env.get("HF_ENDPOINT")).map(URI::create).orElse(DEFAULT_ENDPOINT);
        Optional<String> token = nonEmpty(env.get("HF_TOKEN"))
                .or(() -> nonEmpty(env.get("HUGGING_FACE_HUB_TOKEN")))
                .or(() -> readTokenFile(nonEmpty(env.get("HF_TOKEN_PATH")).map(Path::of)
                        .orElse(hfHome.resolve("token"))));
        boolean offline = isTrue(env.get("HF_HUB_OFFLINE"));
        return new HubSettings(cache, endpoint, token, offline, Duration.ofSeconds(10),
                Duration.ofSeconds(30), 5, Duration.ofMillis(500));
    }

    /** The same settings with another cache folder. */
    public HubSettings withCacheDir(Path dir) {
        return new HubSettings(dir, endpoint, token, offline, connectTimeout, readTimeout, maxRetries, retryBackoff);
    }

    /** The same settings, offline or not. */
    public HubSettings withOffline(boolean off) {
        return new HubSettings(cacheDir, endpoint, token, off, connectTimeout, readTimeout, maxRetries, retryBackoff);
    }

    /** The same settings with other timeouts and retry policy. */
    public HubSettings withRetries(int retries, Duration backoff, Duration connect, Duration read) {
        return new HubSettings(cacheDir, endpoint, token, offline, connect, read, retries, backoff);
    }

    /** The token is a secret: it never appears in the text form of the settings. */
    @Override
    public String toString() {
        return "HubSettings[cacheDir=" + cacheDir + ", endpoint=" + endpoint + ", token="
                + (token.isPresent() ? "(set)" : "(none)") + ", offline=" + offline + ", connectTimeout="
                + connectTimeout + ", readTimeout=" + readTimeout + ", maxRetries=" + maxRetries + "]";
    }

    static boolean isTrue(String value) {
        return value != null && switch (value.strip().toUpperCase(Locale.ROOT)) {
            case "1", "ON", "YES", "TRUE" -> true;
            default -> false;
        };
    }

    private static Optional<String> nonEmpty(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.strip());
    }

    private static Optional<String> readTokenFile(Path file) {
        try {
            return Files.isRegularFile(file) ? nonEmpty(Files.readString(file)) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
