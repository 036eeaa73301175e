package dev.lathe.serve.structured;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Masking cost on a 32k vocabulary shaped like a real one (single bytes, word pieces with and without
 * a leading space, digits, punctuation, some non-ASCII): every state is measured with a cold cache, a
 * full trie walk. Prints the figures; the bound is loose so a loaded CI machine does not flake.
 */
class MaskPerformanceTest {
    private static final String LETTERS = "etaoinshrdlcumwfgypbvkjxqz";

    static TokenVocabulary vocabulary32k() {
        Random r = new Random(42);
        Set<String> pieces = new LinkedHashSet<>();
        byte[][] out = new byte[32_000][];
        for (int b = 0; b < 256; b++) {
            out[b] = new byte[] {(byte) b};
        }
        int id = 256;
        while (id < out.length) {
            StringBuilder s = new StringBuilder();
            if (r.nextBoolean()) {
                s.append(' ');
            }
            int n = 1 + r.nextInt(9);
            for (int i = 0; i < n; i++) {
                int kind = r.nextInt(100);
                if (kind < 80) {
                    s.append(LETTERS.charAt((int) Math.min(25, Math.abs(r.nextGaussian() * 8))));
                } else if (kind < 86) {
                    s.append((char) ('0' + r.nextInt(10)));
                } else if (kind < 94) {
                    s.append("\"{}[],:.-_\n".charAt(r.nextInt(11)));
                } else if (kind < 97) {
                    s.append(Character.toUpperCase(LETTERS.charAt(r.nextInt(26))));
                } else {
                    s.append("\u00e9\u00fc\u65e5\u20ac".charAt(r.nextInt(4)));
                }
            }
            if (pieces.add(s.toString())) {
                out[id++] = s.toString().getBytes(StandardCharsets.UTF_8);
            }
        }
        return TokenVocabulary.of(out);
    }

    @Test
    void aMaskOverA32kVocabularyTakesMilliseconds() throws Exception {
        TokenVocabulary v = vocabulary32k();
        long t0 = System.nanoTime();
        TokenTrie trie = v.trie();
        double buildMs = (System.nanoTime() - t0) / 1e6;
        JsonGrammar g = JsonSchemaCompiler.compile(ConstrainedSamplingPropertyTest.STRICT.readTree("""
                {"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"},
                 "score": {"type": "number"}, "tags": {"type": "array", "items": {"type": "string"}},
                 "kind": {"enum": ["alpha", "beta", "gamma"]}},
                 "required": ["name", "age", "score", "tags", "kind"], "additionalProperties": false}"""));
        String[] prefixes = {"", "{", "{\"name\": \"", "{\"name\": \"some text so far", "{\"name\": \"x\", \"age\": 4",
                "{\"name\": \"x\", \"age\": 4, \"score\": 1.5e", "{\"name\": \"x\", \"age\": 4, \"score\": 1, \"tags\": [",
                "{\"name\": \"x\", \"age\": 4, \"score\": 1, \"tags\": [], \"kind\": \"be"};
        StringBuilder report = new StringBuilder(String.format("32k vocabulary: trie of %d nodes built in %.1f ms%n",
                trie.nodes(), buildMs));
        double worst = 0;
        for (int round = 0; round < 3; round++) { // the first rounds warm the JIT up
            for (String prefix : prefixes) {
                double best = Double.MAX_VALUE; // the fastest of 10 runs: least disturbed by other load
                int allowed = 0;
                for (int i = 0; i < 10; i++) {
                    JsonTokenConstraint c = new JsonTokenConstraint(g, v); // a fresh, empty mask cache
                    for (byte b : prefix.getBytes(StandardCharsets.UTF_8)) {
                        advanceByte(c, b);
                    }
                    long start = System.nanoTime();
                    allowed = countBits(c.allowed());
                    best = Math.min(best, (System.nanoTime() - start) / 1e6);
                }
                if (round == 2) {
                    worst = Math.max(worst, best);
                    report.append(String.format("  after %-60s %6.2f ms, %5d tokens allowed%n", "'" + prefix + "'",
                            best, allowed));
                }
            }
        }
        System.out.print(report);
        assertThat(worst).isLessThan(100);
    }

    private static int countBits(long[] bits) {
        int n = 0;
        for (long w : bits) {
            n += Long.bitCount(w);
        }
        return n;
    }

    /** Advances through the single-byte token for {@code b} (ids 0..255 are the bytes). */
    private static void advanceByte(JsonTokenConstraint c, byte b) {
        c.advance(b & 0xFF);
    }
}
