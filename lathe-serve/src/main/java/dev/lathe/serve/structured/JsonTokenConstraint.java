package dev.lathe.serve.structured;

import dev.lathe.models.generate.TokenConstraint;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Structured output for one request: the tokens allowed next are those whose bytes the
 * {@link JsonGrammar}'s automaton accepts from where the output stands. Found by walking the
 * vocabulary's prefix trie depth-first, advancing the automaton one byte per edge and pruning a
 * subtree as soon as its prefix is refused, so shared prefixes are checked once; the allowed set
 * is cached per automaton configuration (inside a long string the configuration repeats, and then
 * a step costs one pass over the logits).
 *
 * <p>Not thread-safe; one instance per sequence, created by {@link JsonGrammar#constraint}.
 */
final class JsonTokenConstraint implements TokenConstraint {
    private static final int CACHED_MASKS = 64;

    private final TokenVocabulary vocabulary;
    private final TokenTrie trie;
    private final Map<JsonState, long[]> masks = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<JsonState, long[]> eldest) {
            return size() > CACHED_MASKS;
        }
    };
    private JsonState state;
    private Boolean canContinue; // of the current state, computed on demand

    JsonTokenConstraint(JsonGrammar grammar, TokenVocabulary vocabulary) {
        this.vocabulary = vocabulary;
        this.trie = vocabulary.trie();
        this.state = grammar.initial();
    }

    @Override
    public void maskLogits(float[] logits) {
        long[] allowed = allowed();
        int v = Math.min(logits.length, vocabulary.size());
        for (int t = 0; t < v; t++) {
            if ((allowed[t >>> 6] & (1L << t)) == 0) {
                logits[t] = Float.NEGATIVE_INFINITY;
            }
        }
        for (int t = v; t < logits.length; t++) {
            logits[t] = Float.NEGATIVE_INFINITY; // model rows beyond the vocabulary
        }
    }

    /** The allowed token ids as a bit set (V bits), from the cache or a trie walk. */
    long[] allowed() {
        long[] bits = masks.get(state);
        if (bits == null) {
            bits = new long[(vocabulary.size() + 63) >>> 6];
            walk(0, state, bits);
            masks.put(state, bits);
        }
        return bits;
    }

    private void walk(int node, JsonState from, long[] bits) {
        int first = trie.firstChild[node];
        int end = first + trie.childCount[node];
        boolean inString = from.isPlainString();
        for (int c = first; c < end; c++) {
            if (inString && trie.plainStringSubtree[c]) {
                // Plain text all the way down: every token below is allowed, no automaton steps needed.
                for (int k = trie.subtreeStart[c]; k < trie.subtreeEnd[c]; k++) {
                    int t = trie.sortedIds[k];
                    bits[t >>> 6] |= 1L << t;
                }
                continue;
            }
            JsonState next = from.advance(trie.edge[c] & 0xFF);
            if (next == null) {
                continue;
            }
            for (int k = trie.tokenStart[c]; k < trie.tokenStart[c + 1]; k++) {
                int t = trie.tokens[k];
                bits[t >>> 6] |= 1L << t;
            }
            if (trie.childCount[c] > 0) {
                walk(c, next, bits);
            }
        }
    }

    @Override
    public void advance(int tokenId) {
        byte[] bytes = tokenId >= 0 && tokenId < vocabulary.size() ? vocabulary.bytesShared(tokenId) : null;
        if (bytes == null) {
            throw new IllegalArgumentException("token " + tokenId + " stands for no text; the JSON constraint never"
                    + " allows it");
        }
        JsonState s = state;
        for (byte b : bytes) {
            s = s.advance(b & 0xFF);
            if (s == null) {
                throw new IllegalArgumentException("token " + tokenId + " does not continue the JSON output here");
            }
        }
        state = s;
        canContinue = null;
    }

    @Override
    public boolean isComplete() {
        return state.isComplete();
    }

    @Override
    public boolean canContinue() {
        if (canContinue == null) {
            canContinue = state.canContinue();
        }
        return canContinue;
    }
}
