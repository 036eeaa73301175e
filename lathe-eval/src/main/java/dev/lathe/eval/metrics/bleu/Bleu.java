package dev.lathe.eval.metrics.bleu;

import dev.lathe.eval.metrics.pytext.PyStr;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * BLEU (Papineni et al., 2002) as sacreBLEU 2.x computes it, so that our numbers equal the ones
 * papers report. Each segment is lowercased (optionally), right-stripped, tokenized and split on
 * whitespace; n-grams of orders 1..max are clipped against the maximum count over the segment's
 * references; the reference length is the one closest to the hypothesis length (ties: the shorter).
 * Corpus BLEU sums the statistics over segments, then applies smoothing, effective order and the
 * brevity penalty once.
 *
 * <p>Usage: {@code new Bleu(BleuOptions.defaults()).corpusScore(hyps, List.of(refStream1, refStream2))}.
 * Reference streams are parallel to the hypotheses (stream k holds the k-th reference of every
 * segment); a {@code null} entry means "no k-th reference for this segment" (signature {@code nrefs:var}).
 * Unlike sacreBLEU (which zips and silently truncates), streams of a different length than the
 * hypotheses are an error.
 */
public final class Bleu {

  private static final System.Logger LOG = System.getLogger(Bleu.class.getName());

  private final BleuOptions options;

  public Bleu(BleuOptions options) {
    if (options == null) throw new IllegalArgumentException("options must not be null");
    this.options = options;
  }

  public BleuOptions options() {
    return options;
  }

  /** Corpus BLEU of {@code hypotheses} against reference streams. */
  public BleuScore corpusScore(List<String> hypotheses, List<? extends List<String>> referenceStreams) {
    return score(sum(segmentStatistics(hypotheses, referenceStreams)));
  }

  /** Sentence BLEU of one hypothesis against its references (sacreBLEU recommends effective order). */
  public BleuScore sentenceScore(String hypothesis, List<String> references) {
    if (hypothesis == null) throw new IllegalArgumentException("hypothesis must not be null");
    if (references == null || references.isEmpty())
      throw new IllegalArgumentException("references must hold at least one reference, got " + references);
    List<List<String>> streams = new ArrayList<>();
    for (String r : references) streams.add(java.util.Collections.singletonList(r));
    return score(segmentStatistics(List.of(hypothesis), streams).getFirst());
  }

  /** Per-segment statistics (sum them with {@link #sum} and score with {@link #score}). */
  public List<BleuStatistics> segmentStatistics(List<String> hypotheses, List<? extends List<String>> referenceStreams) {
    if (hypotheses == null) throw new IllegalArgumentException("hypotheses must not be null");
    if (referenceStreams == null || referenceStreams.isEmpty())
      throw new IllegalArgumentException("referenceStreams must hold at least one stream, got " + referenceStreams);
    for (int k = 0; k < referenceStreams.size(); k++) {
      List<String> s = referenceStreams.get(k);
      if (s == null || s.size() != hypotheses.size())
        throw new IllegalArgumentException("referenceStreams[" + k + "] must have " + hypotheses.size()
            + " segments (one per hypothesis), got " + (s == null ? "null" : s.size()));
    }
    List<BleuStatistics> out = new ArrayList<>(hypotheses.size());
    int tokenizedLooking = 0;
    for (int i = 0; i < hypotheses.size(); i++) {
      String hyp = hypotheses.get(i);
      if (hyp == null) throw new IllegalArgumentException("hypotheses[" + i + "] is null");
      if (hyp.endsWith(" .")) tokenizedLooking++;
      List<String> refs = new ArrayList<>();
      for (List<String> stream : referenceStreams) if (stream.get(i) != null) refs.add(stream.get(i));
      if (refs.isEmpty()) throw new IllegalArgumentException("segment " + i + " has no reference (all streams null)");
      out.add(segment(preprocess(hyp), refs));
    }
    if (!options.force() && tokenizedLooking >= 100) {
      LOG.log(System.Logger.Level.WARNING, "That's " + tokenizedLooking + " lines that end in a tokenized period ('.'); "
          + "it looks like you forgot to detokenize your test data, which may hurt your score "
          + "(set force to silence this warning).");
    }
    return out;
  }

  /** Sum of segment statistics (the corpus statistics). */
  public static BleuStatistics sum(List<BleuStatistics> segments) {
    if (segments == null || segments.isEmpty())
      throw new IllegalArgumentException("segments must not be empty, got " + segments);
    BleuStatistics acc = segments.getFirst();
    for (int i = 1; i < segments.size(); i++) acc = acc.plus(segments.get(i));
    return acc;
  }

  /** BLEU of (summed) statistics with this instance's smoothing and effective order. */
  public BleuScore score(BleuStatistics stats) {
    if (stats.maxNgramOrder() != options.maxNgramOrder())
      throw new IllegalArgumentException("stats have order " + stats.maxNgramOrder() + ", options say maxNgramOrder "
          + options.maxNgramOrder());
    return compute(stats.correct(), stats.total(), stats.sysLen(), stats.refLen(), options, stats.numRefs());
  }

  /**
   * BLEU from its sufficient statistics (sacreBLEU's {@code BLEU.compute_bleu}); the arrays' length is
   * the order (it overrides {@code options.maxNgramOrder()}); the signature says {@code nrefs:numRefs}.
   */
  public static BleuScore compute(long[] correct, long[] total, long sysLen, long refLen, BleuOptions options, int numRefs) {
    if (correct.length != total.length)
      throw new IllegalArgumentException("correct and total must have equal length, got " + correct.length + " and " + total.length);
    int order = correct.length;
    BleuSignature sig = BleuSignature.of(options, numRefs);
    double bp = 1.0;
    if (sysLen < refLen) bp = sysLen > 0 ? Math.exp(1 - (double) refLen / sysLen) : 0.0;
    double[] precisions = new double[order];
    boolean anyMatch = false;
    for (long c : correct) anyMatch |= c != 0;
    // No match at any order: 0 whatever the smoothing (sacreBLEU #141).
    if (!anyMatch) return new BleuScore(0.0, correct, total, precisions, bp, sysLen, refLen, sig);

    BleuSmoothing method = options.smoothing();
    double value = options.effectiveSmoothValue();
    double smoothMteval = 1.0;
    int effOrder = order;
    for (int n = 1; n <= order; n++) {
      double c = correct[n - 1];
      double t = total[n - 1];
      if (method == BleuSmoothing.ADD_K && n > 1) {
        c += value;
        t += value;
      }
      if (t == 0) break;
      // Effective order: average only over the orders the hypothesis has n-grams of.
      if (options.effectiveOrder()) effOrder = n;
      if (c == 0) {
        if (method == BleuSmoothing.EXP) {
          smoothMteval *= 2;
          precisions[n - 1] = 100.0 / (smoothMteval * t);
        } else if (method == BleuSmoothing.FLOOR) {
          precisions[n - 1] = 100.0 * value / t;
        }
      } else {
        precisions[n - 1] = 100.0 * c / t;
      }
    }
    double logSum = 0;
    for (int i = 0; i < effOrder; i++) logSum += flooredLog(precisions[i]);
    double score = bp * Math.exp(logSum / effOrder);
    return new BleuScore(score, correct, total, precisions, bp, sysLen, refLen, sig);
  }

  // sacreBLEU's my_log: log(0) is floored so that exp() of the mean gives 0 rather than NaN.
  private static double flooredLog(double x) {
    return x == 0.0 ? -9999999999.0 : Math.log(x);
  }

  /** Lowercase (optionally), right-strip and tokenize one segment, as BLEU sees it. */
  public String preprocess(String sentence) {
    String s = options.lowercase() ? PyStr.lower(sentence) : sentence;
    return options.tokenizer().tokenize(PyStr.rstrip(s));
  }

  private BleuStatistics segment(String hyp, List<String> refs) {
    int maxOrder = options.maxNgramOrder();
    List<Map<String, Integer>> refNgrams = new ArrayList<>();
    for (int n = 0; n < maxOrder; n++) refNgrams.add(new HashMap<>());
    long[] refLens = new long[refs.size()];
    for (int r = 0; r < refs.size(); r++) {
      List<String> tokens = PyStr.split(preprocess(refs.get(r)));
      refLens[r] = tokens.size();
      List<Map<String, Integer>> these = ngrams(tokens, maxOrder);
      // Multiple references: an n-gram may match as often as its most frequent reference has it.
      for (int n = 0; n < maxOrder; n++) {
        Map<String, Integer> acc = refNgrams.get(n);
        these.get(n).forEach((g, c) -> acc.merge(g, c, Math::max));
      }
    }
    List<String> hypTokens = PyStr.split(hyp);
    long hypLen = hypTokens.size();
    long[] correct = new long[maxOrder];
    long[] total = new long[maxOrder];
    List<Map<String, Integer>> hypNgrams = ngrams(hypTokens, maxOrder);
    for (int n = 0; n < maxOrder; n++) {
      Map<String, Integer> ref = refNgrams.get(n);
      for (Map.Entry<String, Integer> e : hypNgrams.get(n).entrySet()) {
        total[n] += e.getValue();
        Integer rc = ref.get(e.getKey());
        if (rc != null) correct[n] += Math.min(e.getValue(), rc);
      }
    }
    return new BleuStatistics(hypLen, closestRefLength(hypLen, refLens), correct, total, refs.size());
  }

  /** The reference length closest to {@code hypLen}; on a tie the shorter one (sacreBLEU). */
  static long closestRefLength(long hypLen, long[] refLens) {
    long bestDiff = -1;
    long best = -1;
    for (long len : refLens) {
      long diff = Math.abs(hypLen - len);
      if (bestDiff == -1 || diff < bestDiff) {
        bestDiff = diff;
        best = len;
      } else if (diff == bestDiff && len < best) {
        best = len;
      }
    }
    return best;
  }

  // n-gram counts per order (index n-1); tokens hold no whitespace, so a space-joined key is unambiguous.
  private static List<Map<String, Integer>> ngrams(List<String> tokens, int maxOrder) {
    List<Map<String, Integer>> out = new ArrayList<>(maxOrder);
    for (int n = 1; n <= maxOrder; n++) {
      Map<String, Integer> m = new HashMap<>();
      for (int i = 0; i + n <= tokens.size(); i++) m.merge(String.join(" ", tokens.subList(i, i + n)), 1, Integer::sum);
      out.add(m);
    }
    return out;
  }
}
