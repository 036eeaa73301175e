package dev.lathe.serve.auth;

import dev.lathe.serve.openai.OpenAiException;
import java.util.Optional;

/**
 * Decides who a request is from: with keys required, the {@code Authorization: Bearer} key must be in the
 * store (else 401); with keys off (the loopback default), every request is the anonymous caller and any
 * key a client sends is not checked (OpenAI clients always send one).
 */
public final class Authenticator {
    /** The caller of a server without keys. */
    public static final String ANONYMOUS = "anonymous";

    private volatile KeyStore keys;
    private final boolean required;

    /** {@code keys} may be null only when not required. */
    public Authenticator(KeyStore keys, boolean required) {
        if (required && keys == null) {
            throw new IllegalArgumentException("API keys are required but no keys file was given (--api-keys FILE)");
        }
        this.keys = keys;
        this.required = required;
    }

    public boolean required() {
        return required;
    }

    /** Re-reads the keys file (keys added or revoked since start take effect); returns how many keys it holds. */
    public int reloadKeys() throws java.io.IOException {
        if (keys == null) return 0;
        KeyStore fresh = KeyStore.open(keys.file());
        keys = fresh;
        return fresh.keys().size();
    }

    /** Whether a keys file is configured (admin routes then always need a key). */
    public boolean hasKeys() {
        return keys != null;
    }

    /** The key of the caller (empty for anonymous), or a 401. */
    public Optional<ApiKey> authenticate(String authorizationHeader) {
        return required ? Optional.of(verify(authorizationHeader)) : Optional.empty();
    }

    /** The caller's key, checked whether or not keys are required; a 401 when missing or unknown. */
    public ApiKey verify(String authorizationHeader) {
        if (keys == null) {
            throw OpenAiException.invalidApiKey("This server has no keys file, so no key can be verified.");
        }
        if (authorizationHeader == null || authorizationHeader.isBlank()) {
            throw OpenAiException.invalidApiKey("You didn't provide an API key. You need to provide your API key in an"
                    + " Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).");
        }
        String h = authorizationHeader.strip();
        if (!h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw OpenAiException.invalidApiKey("The Authorization header must be 'Bearer YOUR_KEY'.");
        }
        String key = h.substring(7).strip();
        return keys.find(key).orElseThrow(() -> OpenAiException.invalidApiKey(
                "Incorrect API key provided: " + redact(key) + "."));
    }

    /** The key as OpenAI shows it in errors: only the first and last few characters. */
    static String redact(String key) {
        return key.length() <= 8 ? "****" : key.substring(0, 3) + "*".repeat(Math.min(20, key.length() - 7))
                + key.substring(key.length() - 4);
    }
}
