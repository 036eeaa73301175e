package dev.lathe.models.generate;

import dev.lathe.models.CausalLanguageModel;
import dev.lathe.models.ContextLengthExceededException;
import dev.lathe.models.KvCache;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Small deterministic models and decoders that implement the inference contract for generation tests. */
final class FakeModels {
    private FakeModels() {}

    /** A real cache for the fakes: it stores the token ids themselves, the whole "state" these models need. */
    static final class TokenCache implements KvCache {
        private final int[] tokens;
        private int length;

        TokenCache(int capacity) {
            tokens = new int[capacity];
        }

        void append(int token) {
            if (length == tokens.length) {
                throw new ContextLengthExceededException(length + 1, tokens.length);
            }
            tokens[length++] = token;
        }

        int last() {
            return tokens[length - 1];
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public int capacity() {
            return tokens.length;
        }

        @Override
        public void truncate(int newLength) {
            if (newLength < 0 || newLength > length) {
                throw new IllegalArgumentException("length " + newLength + " outside [0, " + length + "]");
            }
            length = newLength;
        }
    }

    /**
     * Base of the fakes: logits are a function of the cache's tokens, computed the same way for forward
     * and decodeBatch; counts calls so tests can check when the model ran.
     */
    abstract static class FakeModel implements CausalLanguageModel {
        final int vocab;
        final int context;
        int forwardCalls;
        int decodeCalls;
        int maxBatch;

        FakeModel(int vocab, int context) {
            this.vocab = vocab;
            this.context = context;
        }

        /** Next-token logits (V) after the cache's tokens. */
        abstract void logits(TokenCache cache, float[] out);

        @Override
        public int vocabSize() {
            return vocab;
        }

        @Override
        public int contextLength() {
            return context;
        }

        @Override
        public KvCache newCache(int capacity) {
            if (capacity > context) {
                throw new ContextLengthExceededException(capacity, context);
            }
            return new TokenCache(capacity);
        }

        @Override
        public float[] forward(int[] tokens, KvCache cache) {
            forwardCalls++;
            TokenCache c = (TokenCache) cache;
            for (int t : tokens) {
                c.append(t);
            }
            float[] out = new float[vocab];
            logits(c, out);
            return out;
        }

        @Override
        public void decodeBatch(int[] tokens, KvCache[] caches, float[][] logits) {
            decodeCalls++;
            maxBatch = Math.max(maxBatch, tokens.length);
            for (int i = 0; i < tokens.length; i++) {
                TokenCache c = (TokenCache) caches[i];
                c.append(tokens[i]);
                logits(c, logits[i]);
            }
        }
    }

    /** Logits a fixed smooth function of the last token and its position. */
    static final class PositionalModel extends FakeModel {
        PositionalModel(int vocab, int context) {
            super(vocab, context);
        }

        @Override
        void logits(TokenCache cache, float[] out) {
            int last = cache.last();
            int pos = cache.length() - 1;
            for (int v = 0; v < vocab; v++) {
                out[v] = (float) (2.5 * Math.sin(last * 1.3 + pos * 0.7 + v * 2.1) + 0.3 * Math.cos(v * 0.37));
            }
        }
    }

    /** A bigram table of seeded random logits: the next token depends only on the last one. */
    static final class BigramModel extends FakeModel {
        private final float[][] table; // (V, V)

        BigramModel(int vocab, int context, long seed) {
            super(vocab, context);
            SplittableRandom r = new SplittableRandom(seed);
            table = new float[vocab][vocab];
            for (float[] row : table) {
                for (int v = 0; v < vocab; v++) {
                    row[v] = (float) (r.nextGaussian() * 2);
                }
            }
        }

        @Override
        void logits(TokenCache cache, float[] out) {
            System.arraycopy(table[cache.last()], 0, out, 0, vocab);
        }
    }

    /** Greedy decoding yields {@code script} after a prompt of {@code promptLength}, then token 0. */
    static final class ScriptedModel extends FakeModel {
        private final int promptLength;
        private final int[] script;

        ScriptedModel(int vocab, int context, int promptLength, int... script) {
            super(vocab, context);
            this.promptLength = promptLength;
            this.script = script;
        }

        @Override
        void logits(TokenCache cache, float[] out) {
            Arrays.fill(out, 0f);
            int j = cache.length() - promptLength;
            out[j < script.length ? script[j] : 0] = 10f;
        }
    }

    /** Concatenates one string piece per id. */
    static TokenDecoder pieces(String... pieces) {
        return (ids, from, to) -> {
            StringBuilder sb = new StringBuilder();
            for (int i = from; i < to; i++) {
                sb.append(pieces[ids[i]]);
            }
            return sb.toString();
        };
    }

    /** Ids below 256 are raw UTF-8 bytes; incomplete sequences decode to U+FFFD like a byte-level BPE. */
    static TokenDecoder bytes() {
        return (ids, from, to) -> {
            byte[] b = new byte[to - from];
            for (int i = from; i < to; i++) {
                b[i - from] = (byte) ids[i];
            }
            return new String(b, StandardCharsets.UTF_8);
        };
    }

    /** SentencePiece-like: "▁" is a space, and a decoded span drops its leading space. */
    static TokenDecoder sentencePiece(String... pieces) {
        TokenDecoder plain = pieces(pieces);
        return (ids, from, to) -> {
            String s = plain.decode(ids, from, to).replace('\u2581', ' ');
            return s.startsWith(" ") ? s.substring(1) : s;
        };
    }
}
