package dev.lathe.eval.metrics.chrf;

import dev.lathe.eval.metrics.pytext.PyStr;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * chrF (Popović 2015) and chrF++ (Popović 2017) as sacreBLEU 2.x computes them. Character n-grams
 * (orders 1..char_order, over code points, whitespace removed unless kept) and, for chrF++, word
 * n-grams (orders 1..word_order, words split on whitespace with one ASCII punctuation mark peeled off
 * the end, or else the start, of each word) are matched against each reference; the reference giving
 * the best segment F is kept. Corpus chrF sums the [hyp, ref, match] statistics, then computes F_beta
 * once: by default precision and recall are averaged over the orders that occur in both sides
 * (sacreBLEU's effective order), with epsilon smoothing the per-order F scores are averaged instead.
 *
 * <p>Reference streams work as for {@link dev.lathe.eval.metrics.bleu.Bleu}: parallel to the hypotheses,
 * {@code null} = no reference in this stream for that segment; a stream of another length is an error.
 */
public final class Chrf {

  // Python's string.punctuation: what chrF++ peels off word boundaries.
  private static final String PUNCTS = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
  private static final double EPS = 1e-16;

  private final ChrfOptions options;

  public Chrf(ChrfOptions options) {
    if (options == null) throw new IllegalArgumentException("options must not be null");
    this.options = options;
  }

  public ChrfOptions options() {
    return options;
  }

  /** Corpus chrF of {@code hypotheses} against reference streams. */
  public ChrfScore corpusScore(List<String> hypotheses, List<? extends List<String>> referenceStreams) {
    return score(sum(segmentStatistics(hypotheses, referenceStreams)));
  }

  /** Sentence chrF of one hypothesis against its references. */
  public ChrfScore sentenceScore(String hypothesis, List<String> references) {
    if (hypothesis == null) throw new IllegalArgumentException("hypothesis must not be null");
    if (references == null || references.isEmpty())
      throw new IllegalArgumentException("references must hold at least one reference, got " + references);
    List<List<String>> streams = new ArrayList<>();
    for (String r : references) streams.add(Collections.singletonList(r));
    return score(segmentStatistics(List.of(hypothesis), streams).getFirst());
  }

  /** Per-segment statistics: for each segment those of the reference with the best F. */
  public List<ChrfStatistics> segmentStatistics(List<String> hypotheses, List<? extends List<String>> referenceStreams) {
    if (hypotheses == null) throw new IllegalArgumentException("hypotheses must not be null");
    if (referenceStreams == null || referenceStreams.isEmpty())
      throw new IllegalArgumentException("referenceStreams must hold at least one stream, got " + referenceStreams);
    for (int k = 0; k < referenceStreams.size(); k++) {
      List<String> s = referenceStreams.get(k);
      if (s == null || s.size() != hypotheses.size())
        throw new IllegalArgumentException("referenceStreams[" + k + "] must have " + hypotheses.size()
            + " segments (one per hypothesis), got " + (s == null ? "null" : s.size()));
    }
    List<ChrfStatistics> out = new ArrayList<>(hypotheses.size());
    for (int i = 0; i < hypotheses.size(); i++) {
      String hyp = hypotheses.get(i);
      if (hyp == null) throw new IllegalArgumentException("hypotheses[" + i + "] is null");
      List<List<Map<String, Integer>>> refs = new ArrayList<>();
      for (List<String> stream : referenceStreams) {
        String r = stream.get(i);
        if (r != null) refs.add(ngrams(preprocess(r)));
      }
      if (refs.isEmpty()) throw new IllegalArgumentException("segment " + i + " has no reference (all streams null)");
      List<Map<String, Integer>> hypNgrams = ngrams(preprocess(hyp));
      long[] best = null;
      double bestF = -1.0;
      for (List<Map<String, Integer>> ref : refs) {
        long[] stats = new long[3 * options.order()];
        for (int o = 0; o < options.order(); o++) match(hypNgrams.get(o), ref.get(o), stats, 3 * o);
        double f = fScore(stats);
        if (f > bestF) { // strictly better: the first reference wins ties
          bestF = f;
          best = stats;
        }
      }
      out.add(new ChrfStatistics(best, refs.size()));
    }
    return out;
  }

  /** Sum of segment statistics (the corpus statistics). */
  public static ChrfStatistics sum(List<ChrfStatistics> segments) {
    if (segments == null || segments.isEmpty())
      throw new IllegalArgumentException("segments must not be empty, got " + segments);
    ChrfStatistics acc = segments.getFirst();
    for (int i = 1; i < segments.size(); i++) acc = acc.plus(segments.get(i));
    return acc;
  }

  /** chrF of (summed) statistics. */
  public ChrfScore score(ChrfStatistics stats) {
    if (stats.orders() != options.order())
      throw new IllegalArgumentException("stats have " + stats.orders() + " orders, options say " + options.order());
    return new ChrfScore(fScore(stats.stats()), options.charOrder(), options.wordOrder(), options.beta(), stats,
        ChrfSignature.of(options, stats.numRefs()));
  }

  private String preprocess(String s) {
    return options.lowercase() ? PyStr.lower(s) : s;
  }

  private double fScore(long[] stats) {
    int order = options.order();
    double factor = (double) options.beta() * options.beta();
    double score = 0.0;
    double avgPrec = 0.0;
    double avgRec = 0.0;
    int effectiveOrder = 0;
    for (int i = 0; i < order; i++) {
      long nHyp = stats[3 * i];
      long nRef = stats[3 * i + 1];
      long nMatch = stats[3 * i + 2];
      double prec = nHyp > 0 ? (double) nMatch / nHyp : EPS;
      double rec = nRef > 0 ? (double) nMatch / nRef : EPS;
      double denom = factor * prec + rec;
      score += denom > 0 ? (1 + factor) * prec * rec / denom : EPS;
      if (nHyp > 0 && nRef > 0) {
        avgPrec += prec;
        avgRec += rec;
        effectiveOrder++;
      }
    }
    if (options.epsSmoothing()) return 100 * score / order;
    if (effectiveOrder == 0) {
      avgPrec = 0.0;
      avgRec = 0.0;
    } else {
      avgPrec /= effectiveOrder;
      avgRec /= effectiveOrder;
    }
    if (avgPrec + avgRec == 0) return 0.0;
    double f = (1 + factor) * avgPrec * avgRec;
    f /= factor * avgPrec + avgRec;
    return 100 * f;
  }

  // Adds [hyp, ref, match] for one order at stats[at..at+2]; no reference n-grams: hyp counts 0 too.
  private static void match(Map<String, Integer> hyp, Map<String, Integer> ref, long[] stats, int at) {
    long hypCount = 0;
    long refCount = 0;
    long matches = 0;
    for (Map.Entry<String, Integer> e : hyp.entrySet()) {
      hypCount += e.getValue();
      Integer rc = ref.get(e.getKey());
      if (rc != null) matches += Math.min(e.getValue(), rc);
    }
    for (int c : ref.values()) refCount += c;
    stats[at] = ref.isEmpty() ? 0 : hypCount;
    stats[at + 1] = refCount;
    stats[at + 2] = matches;
  }

  // All n-gram counters: char orders 1..charOrder, then word orders 1..wordOrder.
  private List<Map<String, Integer>> ngrams(String line) {
    List<Map<String, Integer>> out = new ArrayList<>(options.order());
    String chars = options.whitespace() ? line : PyStr.removeSpaces(line);
    int[] offsets = codePointOffsets(chars);
    int len = offsets.length - 1;
    for (int n = 1; n <= options.charOrder(); n++) {
      Map<String, Integer> m = new HashMap<>();
      for (int i = 0; i + n <= len; i++) m.merge(chars.substring(offsets[i], offsets[i + n]), 1, Integer::sum);
      out.add(m);
    }
    if (options.wordOrder() > 0) {
      List<String> words = splitPunctuation(line);
      for (int n = 1; n <= options.wordOrder(); n++) {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i + n <= words.size(); i++) m.merge(String.join(" ", words.subList(i, i + n)), 1, Integer::sum);
        out.add(m);
      }
    }
    return out;
  }

  // UTF-16 offset of each code point, plus the end: substrings over code points as Python slices.
  private static int[] codePointOffsets(String s) {
    int[] offsets = new int[s.codePointCount(0, s.length()) + 1];
    int k = 0;
    for (int i = 0; i < s.length(); i += Character.charCount(s.codePointAt(i))) offsets[k++] = i;
    offsets[k] = s.length();
    return offsets;
  }

  /**
   * chrF++ word tokenization (sacreBLEU's {@code _remove_punctuation}): split on whitespace; a word of
   * more than one code point ending in ASCII punctuation loses that mark to a token of its own, else one
   * starting with it does. Only one mark is peeled: "(hi)" gives "(hi" and ")".
   */
  static List<String> splitPunctuation(String sentence) {
    List<String> out = new ArrayList<>();
    for (String w : PyStr.split(sentence)) {
      if (PyStr.length(w) == 1) {
        out.add(w);
      } else if (PUNCTS.indexOf(w.charAt(w.length() - 1)) >= 0) {
        out.add(w.substring(0, w.length() - 1));
        out.add(w.substring(w.length() - 1));
      } else if (PUNCTS.indexOf(w.charAt(0)) >= 0) {
        out.add(w.substring(0, 1));
        out.add(w.substring(1));
      } else {
        out.add(w);
      }
    }
    return out;
  }
}
