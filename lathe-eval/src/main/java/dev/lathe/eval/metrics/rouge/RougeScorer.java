package dev.lathe.eval.metrics.rouge;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ROUGE-N, ROUGE-L and ROUGE-Lsum exactly as Google's rouge-score package computes them
 * ({@code rouge_scorer.RougeScorer}), which replicates ROUGE-1.5.5 run as
 * {@code ROUGE-1.5.5.pl -e data -n 2 -a} (plus {@code -m} with stemming).
 *
 * <ul>
 *   <li>rougeN: clipped n-gram overlap; P = overlap / prediction n-grams, R = overlap / target
 *       n-grams (each denominator at least 1).</li>
 *   <li>rougeL: LCS of the two token sequences; P = LCS / |prediction|, R = LCS / |target|, zero
 *       when either is empty.</li>
 *   <li>rougeLsum: sentences are the newline-separated lines (non-empty ones), or, with
 *       {@code splitSummaries}, those of {@link SentenceSplitter} (an approximation of the NLTK
 *       Punkt splitter rouge-score uses). Hits are the summary-level union-LCS hits with clipping
 *       (see {@link Lcs#summaryHits}).</li>
 * </ul>
 * F is always 2PR / (P + R). Thread-safe; score maps keep the order of the rouge types.
 *
 * <pre>{@code
 * RougeScorer scorer = new RougeScorer(List.of("rouge1", "rouge2", "rougeL", "rougeLsum"), true);
 * Map<String, RougeScore> s = scorer.score(reference, prediction);
 * }</pre>
 */
public final class RougeScorer {

    private final List<RougeType> types;
    private final RougeTokenizer tokenizer;
    private final boolean splitSummaries;
    private final String tokenizerName;

    /** rouge-score's {@code RougeScorer(rouge_types, use_stemmer)}: default tokenizer, lines. */
    public RougeScorer(List<String> rougeTypes, boolean useStemmer) {
        this(rougeTypes, useStemmer, false);
    }

    /** rouge-score's {@code RougeScorer(rouge_types, use_stemmer, split_summaries)}. */
    public RougeScorer(List<String> rougeTypes, boolean useStemmer, boolean splitSummaries) {
        this(rougeTypes, RougeTokenizer.defaultTokenizer(useStemmer), splitSummaries,
                useStemmer ? "default+porter" : "default");
    }

    /** rouge-score's {@code RougeScorer(rouge_types, split_summaries=..., tokenizer=...)}. */
    public RougeScorer(List<String> rougeTypes, RougeTokenizer tokenizer, boolean splitSummaries) {
        this(rougeTypes, tokenizer, splitSummaries, "custom");
    }

    private RougeScorer(List<String> rougeTypes, RougeTokenizer tokenizer, boolean splitSummaries,
            String tokenizerName) {
        if (rougeTypes == null || rougeTypes.isEmpty()) {
            throw new IllegalArgumentException("rougeTypes must name at least one type, got "
                    + rougeTypes);
        }
        if (tokenizer == null) {
            throw new IllegalArgumentException("tokenizer must not be null");
        }
        List<RougeType> parsed = new ArrayList<>();
        for (String name : rougeTypes) {
            RougeType t = RougeType.parse(name);
            if (parsed.stream().noneMatch(p -> p.name().equals(name))) {
                parsed.add(t);
            }
        }
        this.types = List.copyOf(parsed);
        this.tokenizer = tokenizer;
        this.splitSummaries = splitSummaries;
        this.tokenizerName = tokenizerName;
    }

    /** Shorthand: the given types, default tokenizer without stemming. */
    public static RougeScorer of(String... rougeTypes) {
        return new RougeScorer(List.of(rougeTypes), false);
    }

    /** The measures this scorer computes, in order. */
    public List<RougeType> rougeTypes() {
        return types;
    }

    /** A one-line description of the settings, for reports. */
    public String signature() {
        StringBuilder sb = new StringBuilder("rouge-score|types:");
        for (int i = 0; i < types.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(types.get(i).name());
        }
        sb.append("|tok:").append(tokenizerName);
        sb.append("|sent:").append(splitSummaries ? "split" : "newline");
        return sb.toString();
    }

    /** Scores one prediction against one target (reference): type name to score. */
    public Map<String, RougeScore> score(String target, String prediction) {
        require("target", target);
        require("prediction", prediction);
        Vocabulary vocab = new Vocabulary();
        int[] targetIds = null;
        int[] predictionIds = null;
        Map<String, RougeScore> result = new LinkedHashMap<>();
        for (RougeType type : types) {
            RougeScore s;
            if (type.kind() == RougeType.Kind.LCS_SUM) {
                s = lcsSum(vocab, target, prediction);
            } else {
                if (targetIds == null) {
                    targetIds = vocab.ids(tokenizer.tokenize(target));
                    predictionIds = vocab.ids(tokenizer.tokenize(prediction));
                }
                s = type.kind() == RougeType.Kind.LCS
                        ? lcs(targetIds, predictionIds)
                        : ngrams(targetIds, predictionIds, type.n());
            }
            result.put(type.name(), s);
        }
        return Collections.unmodifiableMap(result);
    }

    /**
     * Scores one prediction against several targets, as rouge-score's score_multi: for each type
     * separately, the score of the target with the highest F (the first one on ties).
     */
    public Map<String, RougeScore> scoreMulti(List<String> targets, String prediction) {
        if (targets == null || targets.isEmpty()) {
            throw new IllegalArgumentException("targets must hold at least one target, got "
                    + targets);
        }
        require("prediction", prediction);
        List<Map<String, RougeScore>> all = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            if (targets.get(i) == null) {
                throw new IllegalArgumentException("targets[" + i + "] must not be null");
            }
            all.add(score(targets.get(i), prediction));
        }
        Map<String, RougeScore> best = new LinkedHashMap<>();
        for (RougeType type : types) {
            RougeScore max = null;
            for (Map<String, RougeScore> s : all) {
                RougeScore c = s.get(type.name());
                if (max == null || c.fmeasure() > max.fmeasure()) {
                    max = c;
                }
            }
            best.put(type.name(), max);
        }
        return Collections.unmodifiableMap(best);
    }

    /**
     * Corpus scoring as rouge-score's command line does it: every (target, prediction) pair is
     * scored and added to {@code aggregator}, whose bootstrap intervals are returned.
     */
    public Map<String, AggregateScore> scoreCorpus(List<String> targets, List<String> predictions,
            BootstrapAggregator aggregator) {
        if (targets == null || predictions == null || targets.size() != predictions.size()) {
            throw new IllegalArgumentException(
                    "targets and predictions must be lists of equal size, got "
                    + (targets == null ? null : targets.size()) + " and "
                    + (predictions == null ? null : predictions.size()));
        }
        if (aggregator == null) {
            throw new IllegalArgumentException("aggregator must not be null");
        }
        for (int i = 0; i < targets.size(); i++) {
            aggregator.addScores(score(targets.get(i), predictions.get(i)));
        }
        return aggregator.aggregate();
    }

    // ---- the measures ----

    static RougeScore ngrams(int[] target, int[] prediction, int n) {
        Map<NGram, int[]> targetCounts = count(target, n);
        Map<NGram, int[]> predictionCounts = count(prediction, n);
        long overlap = 0;
        for (Map.Entry<NGram, int[]> e : targetCounts.entrySet()) {
            int[] p = predictionCounts.get(e.getKey());
            if (p != null) {
                overlap += Math.min(e.getValue()[0], p[0]);
            }
        }
        int targetTotal = Math.max(target.length - n + 1, 0);
        int predictionTotal = Math.max(prediction.length - n + 1, 0);
        return RougeScore.of((double) overlap / Math.max(predictionTotal, 1),
                (double) overlap / Math.max(targetTotal, 1));
    }

    static RougeScore lcs(int[] target, int[] prediction) {
        if (target.length == 0 || prediction.length == 0) {
            return RougeScore.ZERO;
        }
        int l = Lcs.length(target, prediction);
        return RougeScore.of((double) l / prediction.length, (double) l / target.length);
    }

    private RougeScore lcsSum(Vocabulary vocab, String target, String prediction) {
        int[][] ref = sentenceIds(vocab, target);
        int[][] can = sentenceIds(vocab, prediction);
        if (ref.length == 0 || can.length == 0) {
            return RougeScore.ZERO;
        }
        int m = 0;
        int n = 0;
        for (int[] s : ref) {
            m += s.length;
        }
        for (int[] s : can) {
            n += s.length;
        }
        if (m == 0 || n == 0) {
            return RougeScore.ZERO;
        }
        int hits = Lcs.summaryHits(ref, can, vocab.size());
        return RougeScore.of((double) hits / n, (double) hits / m);
    }

    private int[][] sentenceIds(Vocabulary vocab, String text) {
        List<String> sentences =
                splitSummaries ? SentenceSplitter.split(text) : newlineSentences(text);
        int[][] ids = new int[sentences.size()][];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = vocab.ids(tokenizer.tokenize(sentences.get(i)));
        }
        return ids;
    }

    /** Python's text.split("\n") without the empty strings (whitespace-only lines stay). */
    static List<String> newlineSentences(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '\n') {
                if (i > start) {
                    out.add(text.substring(start, i));
                }
                start = i + 1;
            }
        }
        return out;
    }

    private static Map<NGram, int[]> count(int[] tokens, int n) {
        Map<NGram, int[]> counts = new HashMap<>();
        for (int i = 0; i + n <= tokens.length; i++) {
            counts.computeIfAbsent(new NGram(tokens, i, n), k -> new int[1])[0]++;
        }
        return counts;
    }

    private static void require(String name, String value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
    }

    /** Token strings to dense ids, shared by both sides of one score call. */
    private static final class Vocabulary {
        private final Map<String, Integer> ids = new HashMap<>();

        int[] ids(List<String> tokens) {
            int[] out = new int[tokens.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = ids.computeIfAbsent(tokens.get(i), k -> ids.size());
            }
            return out;
        }

        int size() {
            return ids.size();
        }
    }

    /** An n-gram as a window of a token-id array (no copy). */
    private record NGram(int[] tokens, int start, int n) {
        @Override
        public boolean equals(Object o) {
            if (!(o instanceof NGram g) || g.n != n) {
                return false;
            }
            for (int k = 0; k < n; k++) {
                if (tokens[start + k] != g.tokens[g.start + k]) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            int h = n;
            for (int k = 0; k < n; k++) {
                h = 31 * h + tokens[start + k];
            }
            return h;
        }
    }
}
