package dev.lathe.serve.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.regex.Pattern;

/**
 * One stored key: a name to tell keys apart in logs and metrics, the SHA-256 (lower-case hex) of the key,
 * when it was made, and optional limits overriding the server's defaults (null = the default).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiKey(String name, String sha256, String created, Integer requestsPerMinute, Integer tokensPerMinute) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    public ApiKey {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("key name '" + name + "' must be 1-64 letters, digits, '.', '_' or '-',"
                    + " starting with a letter or digit");
        }
        if (sha256 == null || !HEX.matcher(sha256).matches()) {
            throw new IllegalArgumentException("key '" + name + "': sha256 must be 64 lower-case hex digits");
        }
        if (requestsPerMinute != null && requestsPerMinute < 1 || tokensPerMinute != null && tokensPerMinute < 1) {
            throw new IllegalArgumentException("key '" + name + "': rate limits must be at least 1 per minute");
        }
    }
}
