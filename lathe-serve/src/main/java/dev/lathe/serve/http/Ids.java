package dev.lathe.serve.http;

import java.security.SecureRandom;

/** OpenAI-style object ids: a prefix and 24 random alphanumerics ({@code chatcmpl-...}, {@code cmpl-...}). */
final class Ids {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    static String next(String prefix) {
        StringBuilder sb = new StringBuilder(prefix);
        for (int i = 0; i < 24; i++) sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        return sb.toString();
    }

    static long nowSeconds() {
        return System.currentTimeMillis() / 1000;
    }
}
