package dev.lathe.serve.structured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The trie walk (with its shortcuts) allows exactly the tokens whose bytes the automaton accepts one
 * by one from the same configuration: checked token by token against brute force on a 32k vocabulary.
 */
class TokenMaskTest {
    private static final String SCHEMA = """
            {"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"},
             "score": {"type": ["number", "null"]}, "tags": {"type": "array", "items": {"type": "string"}},
             "kind": {"enum": ["alpha", "beta", "caf\u00e9"]}},
             "required": ["name", "age"], "additionalProperties": false}""";
    private static final String[] PREFIXES = {"", "{", "{\"", "{\"name\": \"", "{\"name\": \"text \\u00e", "{\"name\": \"\u00e9",
            "{\"name\": \"x\\", "{\"name\": \"x\", \"age\": -", "{\"name\": \"x\", \"age\": 40",
            "{\"name\": \"x\", \"age\": 4, \"score\": 1.5e", "{\"name\": \"x\", \"age\": 4, \"score\": n",
            "{\"name\": \"x\", \"age\": 4, \"tags\": [\"a\", ", "{\"name\": \"x\", \"age\": 4, \"kind\": \"caf",
            "{\"name\": \"x\", \"age\": 4}"};

    private static boolean bruteForce(JsonState from, byte[] bytes) {
        if (bytes == null) {
            return false;
        }
        JsonState s = from;
        for (byte b : bytes) {
            s = s.advance(b & 0xFF);
            if (s == null) {
                return false;
            }
        }
        return true;
    }

    @Test
    void theMaskIsExactlyTheTokensTheAutomatonAcceptsOneByOne() throws Exception {
        TokenVocabulary v = MaskPerformanceTest.vocabulary32k();
        JsonGrammar g = JsonSchemaCompiler.compile(ConstrainedSamplingPropertyTest.STRICT.readTree(SCHEMA));
        for (String prefix : PREFIXES) {
            JsonState state = g.initial();
            for (byte b : prefix.getBytes(StandardCharsets.UTF_8)) {
                state = state.advance(b & 0xFF);
            }
            assertThat(state).as(prefix).isNotNull();
            JsonTokenConstraint c = new JsonTokenConstraint(g, v);
            for (byte b : prefix.getBytes(StandardCharsets.UTF_8)) {
                c.advance(b & 0xFF);
            }
            long[] mask = c.allowed();
            int allowed = 0;
            for (int t = 0; t < v.size(); t++) {
                boolean inMask = (mask[t >>> 6] & (1L << t)) != 0;
                assertThat(inMask).as("token %d '%s' after '%s'", t, new String(v.bytes(t), StandardCharsets.UTF_8),
                        prefix).isEqualTo(bruteForce(state, v.bytesShared(t)));
                allowed += inMask ? 1 : 0;
            }
            assertThat(allowed > 0 || state.isComplete()).isTrue();
        }
    }

    @Test
    void maskingSetsForbiddenLogitsToMinusInfinityAndAdvanceRefusesThem() throws Exception {
        JsonGrammar g = JsonSchemaCompiler.compile(ConstrainedSamplingPropertyTest.STRICT.readTree(
                "{\"type\": \"boolean\"}"));
        TokenVocabulary v = TestVocabularies.VOCABULARY;
        var c = g.constraint(v);
        float[] logits = new float[v.size() + 3]; // the model's head may be wider than the vocabulary
        c.maskLogits(logits);
        for (int t = 0; t < logits.length; t++) {
            byte[] b = t < v.size() ? v.bytes(t) : null;
            String s = b == null ? "" : new String(b, StandardCharsets.UTF_8);
            boolean ok = b != null && !s.isEmpty() && ("true".startsWith(s.strip()) || "false".startsWith(s.strip()))
                    && (s.isBlank() ? s.length() <= 16 : s.equals(s.stripLeading()) || s.strip().length() > 0);
            if (logits[t] == 0f) {
                assertThat(ok).as("allowed '%s'", s).isTrue();
            }
        }
        assertThat(logits[v.size() + 1]).isEqualTo(Float.NEGATIVE_INFINITY);
        int tr = indexOf(v, "tr");
        int zero = indexOf(v, "0");
        assertThat(logits[tr]).isZero();
        assertThat(logits[zero]).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThatThrownBy(() -> c.advance(zero)).hasMessageContaining("does not continue");
        assertThatThrownBy(() -> c.advance(TestVocabularies.EOS)).hasMessageContaining("stands for no text");
        c.advance(tr);
        assertThat(c.isComplete()).isFalse();
        c.advance(indexOf(v, "ue"));
        assertThat(c.isComplete()).isTrue();
        assertThat(c.canContinue()).isFalse();
    }

    private static int indexOf(TokenVocabulary v, String text) {
        for (int t = 0; t < v.size(); t++) {
            byte[] b = v.bytes(t);
            if (b != null && new String(b, StandardCharsets.UTF_8).equals(text)) {
                return t;
            }
        }
        throw new AssertionError("no token " + text);
    }
}
