package dev.lathe.engine.io;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 in one place: a fresh digest (for streaming file contents or several parts), and the lower-case
 * hex of a string's UTF-8 bytes (API-key hashes, cache and fingerprint names). Every JDK ships SHA-256, so
 * its absence is an error, not a checked exception for callers.
 */
public final class Sha256 {
    private Sha256() {}

    /** A new SHA-256 digest. */
    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    /** Lower-case hex of the SHA-256 of {@code text}'s UTF-8 bytes (64 characters). */
    public static String hex(CharSequence text) {
        return HexFormat.of().formatHex(digest().digest(text.toString().getBytes(StandardCharsets.UTF_8)));
    }
}
