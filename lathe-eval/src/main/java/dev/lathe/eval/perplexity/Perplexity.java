package dev.lathe.eval.perplexity;

import dev.lathe.models.family.DecoderModel;
import dev.lathe.models.load.LoadedModel;
import dev.lathe.models.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Perplexity of a causal language model, as Hugging Face's guide "Perplexity of fixed-length models"
 * computes it. For a sequence of n ids, windows start at 0, stride, 2*stride, ...; the window at
 * {@code begin} holds ids {@code [begin, end)} with {@code end = min(begin + window, n)} and scores the
 * ids from {@code max(prevEnd, begin + 1)} to {@code end} (those the previous window did not score; never
 * a window's first id, which has no context), stopping at the window that reaches n. The perplexity is
 * {@code exp(sum of NLL / tokens scored)} over every scored token (of every text, for a dataset).
 *
 * <p>One difference from the guide's snippet, deliberately: the guide weights each window's mean loss
 * by its valid labels minus one, which equals the tokens scored only when windows do not overlap; with
 * a stride below the window it under-weights every window after the first by one token. Lathe sums the
 * per-token NLL exactly (the guide's number can be rebuilt from {@link TextPerplexity#windows()}).
 */
public final class Perplexity {
    private Perplexity() {}

    /** Perplexity of {@code model} on one text. */
    public static PerplexityResult ofText(LoadedModel model, String text, PerplexityOptions options) {
        Objects.requireNonNull(text, "text");
        return ofTexts(model, List.of(text), options);
    }

    /** Corpus perplexity of {@code model} on a dataset of texts, each scored on its own, plus per-text figures. */
    public static PerplexityResult ofTexts(LoadedModel model, List<String> texts, PerplexityOptions options) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        checkNotEmpty(texts, "texts");
        Tokenizer tokenizer = model.tokenizer();
        OptionalInt bosId = bosId(model);
        boolean bos = switch (options.bos()) {
            case NONE -> false;
            case AUTO -> bosId.isPresent() && tokenizerAddsBos(tokenizer, bosId.getAsInt());
            case ADD -> {
                if (bosId.isEmpty()) {
                    throw new IllegalArgumentException("bos is ADD but " + model.folder()
                            + " defines no BOS token (neither its tokenizer nor config.json)");
                }
                yield true;
            }
        };
        List<int[]> sequences = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            if (text == null) {
                throw new IllegalArgumentException("texts[" + i + "] is null");
            }
            int[] ids = tokenizer.encode(text, false);
            if (bos) {
                int[] with = new int[ids.length + 1];
                with[0] = bosId.getAsInt();
                System.arraycopy(ids, 0, with, 1, ids.length);
                ids = with;
            }
            sequences.add(ids);
        }
        TokenScorer scorer = TokenScorer.of(model.model());
        return score(scorer, sequences, options.resolve(scorer.contextLength(), bos));
    }

    /** Perplexity of {@code model} on one sequence of token ids, used as given (prepend BOS yourself). */
    public static PerplexityResult ofTokens(DecoderModel model, int[] ids, PerplexityOptions options) {
        Objects.requireNonNull(ids, "ids");
        return ofTokens(TokenScorer.of(model), List.of(ids), options);
    }

    /** Corpus perplexity of {@code scorer} on token sequences, each used as given, plus per-sequence figures. */
    public static PerplexityResult ofTokens(TokenScorer scorer, List<int[]> sequences, PerplexityOptions options) {
        Objects.requireNonNull(scorer, "scorer");
        Objects.requireNonNull(options, "options");
        checkNotEmpty(sequences, "sequences");
        if (options.bos() == Bos.ADD) {
            throw new IllegalArgumentException("bos ADD applies to texts; token ids are used as given:"
                    + " prepend the BOS id to each sequence and use bos AUTO or NONE");
        }
        return score(scorer, sequences, options.resolve(scorer.contextLength(), false));
    }

    private static PerplexityResult score(TokenScorer scorer, List<int[]> sequences, PerplexitySettings settings) {
        int v = scorer.vocabSize();
        for (int i = 0; i < sequences.size(); i++) {
            int[] ids = sequences.get(i);
            if (ids == null) {
                throw new IllegalArgumentException("sequences[" + i + "] is null");
            }
            for (int j = 0; j < ids.length; j++) {
                if (ids[j] < 0 || ids[j] >= v) {
                    throw new IllegalArgumentException("sequences[" + i + "][" + j + "] = " + ids[j]
                            + " is not a token id of a vocabulary of " + v);
                }
            }
        }
        List<TextPerplexity> texts = new ArrayList<>(sequences.size());
        for (int[] ids : sequences) {
            texts.add(TextPerplexity.of(ids.length, slide(scorer, ids, settings.window(), settings.stride())));
        }
        return PerplexityResult.of(texts, settings);
    }

    /** The guide's loop over one sequence. */
    static List<WindowScore> slide(TokenScorer scorer, int[] ids, int window, int stride) {
        int n = ids.length;
        List<WindowScore> out = new ArrayList<>();
        int prevEnd = 0;
        for (int begin = 0; begin < n; begin += stride) {
            int end = Math.min(begin + window, n);
            int from = Math.max(prevEnd, begin + 1); // absolute position of the first scored id
            double nll = 0;
            if (from < end) {
                for (double x : scorer.nll(Arrays.copyOfRange(ids, begin, end), from - begin)) {
                    nll += x;
                }
            }
            out.add(new WindowScore(begin, end, Math.max(0, end - from), nll));
            prevEnd = end;
            if (end == n) {
                break;
            }
        }
        return out;
    }

    private static OptionalInt bosId(LoadedModel model) {
        if (model.tokenizer().bos().isPresent()) {
            return OptionalInt.of(model.tokenizer().bos().get().id());
        }
        return model.config().bosTokenId();
    }

    /** Whether the tokenizer's own encoding with special tokens starts with BOS where the plain one does not. */
    private static boolean tokenizerAddsBos(Tokenizer tokenizer, int bosId) {
        int[] with = tokenizer.encode("a", true);
        int[] without = tokenizer.encode("a", false);
        return with.length > 0 && with[0] == bosId && (without.length == 0 || without[0] != bosId);
    }

    private static void checkNotEmpty(List<?> list, String name) {
        Objects.requireNonNull(list, name);
        if (list.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }
}
