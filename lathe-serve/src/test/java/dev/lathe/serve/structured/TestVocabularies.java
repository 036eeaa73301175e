package dev.lathe.serve.structured;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A byte-level vocabulary for constrained-sampling tests, shaped like a real one: the 256 single
 * bytes, JSON fragments spanning several tokens' worth of syntax ({@code "{\""}, {@code "\": "},
 * {@code "},"}), words, whitespace runs, and pieces that split UTF-8 characters in the middle; the
 * last id is EOS (no text).
 */
public final class TestVocabularies {
    private TestVocabularies() {}

    static final List<String> FRAGMENTS = List.of("{", "}", "[", "]", "{\"", "\":", "\": ", "\", \"", "\",", "\"}",
            "},", "}]", "]}", "}}", ", ", ",\n", "\n", "\n  ", "  ", "    ", " \"", "true", "false", "null", "tr", "ue",
            "nu", "ll", "0", "1", "12", "-", "-1", ".5", "e+", "E-", "007", "name", "age", "tags", "id", "ok", "kind",
            "value", "child", "children", "items", "color", "red", "green", "blue", "hello", " world", "caf", "é",
            "€", "日本", "\\n", "\\\"", "\\u00", "e9", "\\", "\"\"", "[]", "{}", "\t", "\r\n", "x\":", "\"a\"", "ab");

    /** Fragments as bytes, then pieces cut inside multi-byte characters. */
    static byte[][] bytes() {
        Set<String> seen = new LinkedHashSet<>();
        List<byte[]> out = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            out.add(new byte[] {(byte) b});
        }
        for (String f : FRAGMENTS) {
            if (seen.add(f) && f.getBytes(StandardCharsets.UTF_8).length > 1) {
                out.add(f.getBytes(StandardCharsets.UTF_8));
            }
        }
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8); // E2 82 AC
        byte[] cjk = "日本".getBytes(StandardCharsets.UTF_8);
        out.add(new byte[] {euro[0], euro[1]});
        out.add(new byte[] {euro[2], '"'});
        out.add(new byte[] {cjk[1], cjk[2], cjk[3]});
        out.add(new byte[] {'"', (byte) 0xF0, (byte) 0x9F});
        out.add(new byte[] {(byte) 0x98, (byte) 0x80});
        out.add(null); // EOS
        return out.toArray(byte[][]::new);
    }

    public static final TokenVocabulary VOCABULARY = TokenVocabulary.of(bytes());
    public static final int EOS = VOCABULARY.size() - 1;

    /** Favours tokens that close strings, arrays and objects, and EOS, so random output ends soon. */
    public static float[] closingBias() {
        float[] bias = new float[VOCABULARY.size()];
        for (int t = 0; t < bias.length; t++) {
            byte[] b = VOCABULARY.bytes(t);
            if (b == null) {
                bias[t] = 4f;
                continue;
            }
            for (byte x : b) {
                if (x == '"' || x == '}' || x == ']') {
                    bias[t] = 3.5f;
                }
            }
        }
        return bias;
    }
}
