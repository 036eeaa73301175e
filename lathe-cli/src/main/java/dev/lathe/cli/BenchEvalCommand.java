package dev.lathe.cli;

import dev.lathe.eval.metrics.bleu.Bleu;
import dev.lathe.eval.metrics.bleu.BleuOptions;
import dev.lathe.eval.metrics.bleu.BleuScore;
import dev.lathe.eval.metrics.rouge.RougeScore;
import dev.lathe.eval.metrics.rouge.RougeScorer;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.DoubleSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lathe bench eval}: seconds and pairs/s of corpus BLEU (sacreBLEU's 13a tokenizer, defaults) and
 * of ROUGE-L with and without Porter stemming (rouge-score's default tokenizer; the corpus figure is the
 * mean F over pairs, without the bootstrap) over seeded synthetic hypothesis/reference pairs, each the
 * median of timed runs after one warm-up, printed beside the size of the input.
 *
 * <p>The pairs: a vocabulary of generated words (many with English suffixes, so stemming has work),
 * drawn with a skew towards the first words as natural text is; hypotheses of 10 to 40 words with
 * commas, a final full stop and a capital; each reference a perturbed copy (words replaced, given
 * another suffix, dropped, inserted, neighbours swapped), so the scores land mid-range as real system outputs do.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Seconds of corpus BLEU (13a) and ROUGE-L (with and without stemming) over seeded "
                + "synthetic hypothesis/reference pairs (median of timed runs after a warm-up)."})
final class BenchEvalCommand implements Callable<Integer> {
    static final int VOCABULARY = 3000;
    private static final String[] SUFFIXES = {"", "", "", "s", "ed", "ing", "ly", "ness", "ation", "ies"};

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--pairs", paramLabel = "N", defaultValue = "10000", description = "Hypothesis/reference pairs "
            + "(default ${DEFAULT-VALUE}).")
    int pairs;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of the synthetic pairs "
            + "(default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "3", description = "Timed runs per metric (median; "
            + "default ${DEFAULT-VALUE}), after one warm-up run.")
    int runs;

    /** Synthetic pairs: hypotheses and their perturbed references. */
    record Pairs(List<String> hypotheses, List<String> references) {
        long characters(List<String> texts) {
            return texts.stream().mapToLong(String::length).sum();
        }

        long words(List<String> texts) {
            long n = 0;
            for (String t : texts) {
                n += t.isBlank() ? 0 : t.strip().split("\\s+").length;
            }
            return n;
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        return CliSupport.guard(spec.commandLine().getErr(), "bench eval", () -> {
            if (pairs < 1) {
                throw new IllegalArgumentException("--pairs must be >= 1, got " + pairs);
            }
            if (runs < 1) {
                throw new IllegalArgumentException("--runs must be >= 1, got " + runs);
            }
            Pairs p = generate(pairs, seed);
            out.printf(Locale.ROOT, "pairs %d (seed %d, vocabulary %d words): hypotheses %,d chars / %,d words, "
                    + "references %,d chars / %,d words%n", pairs, seed, VOCABULARY, p.characters(p.hypotheses()),
                    p.words(p.hypotheses()), p.characters(p.references()), p.words(p.references()));
            out.printf(Locale.ROOT, "median of %d run(s) after 1 warm-up, 1 thread%n", runs);
            out.printf(Locale.ROOT, "%-22s %10s %12s  %s%n", "metric", "seconds", "pairs/s", "score");
            Bleu bleu = new Bleu(BleuOptions.defaults());
            List<List<String>> refStreams = List.of(p.references());
            String[] bleuLine = new String[1];
            row(out, "BLEU (13a)", () -> {
                BleuScore s = bleu.corpusScore(p.hypotheses(), refStreams);
                bleuLine[0] = s.format(2, true);
                return s.score();
            }, v -> bleuLine[0]);
            for (boolean stem : new boolean[] {false, true}) {
                RougeScorer scorer = new RougeScorer(List.of("rougeL"), stem);
                row(out, stem ? "ROUGE-L (stemmed)" : "ROUGE-L", () -> meanRougeL(scorer, p),
                        v -> String.format(Locale.ROOT, "mean F %.4f", v));
            }
            out.flush();
            return 0;
        });
    }

    private void row(PrintWriter out, String name, DoubleSupplier metric, java.util.function.DoubleFunction<String> show) {
        double value = metric.getAsDouble(); // warm-up
        double[] seconds = new double[runs];
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            value = metric.getAsDouble();
            seconds[r] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(seconds);
        double median = runs % 2 == 1 ? seconds[runs / 2] : (seconds[runs / 2 - 1] + seconds[runs / 2]) / 2;
        out.printf(Locale.ROOT, "%-22s %10.3f %12.0f  %s%n", name, median, pairs / median, show.apply(value));
        out.flush();
    }

    /** ROUGE-L F averaged over the pairs (rouge-score's target = reference, prediction = hypothesis). */
    static double meanRougeL(RougeScorer scorer, Pairs p) {
        double sum = 0;
        for (int i = 0; i < p.hypotheses().size(); i++) {
            RougeScore s = scorer.score(p.references().get(i), p.hypotheses().get(i)).get("rougeL");
            sum += s.fmeasure();
        }
        return sum / p.hypotheses().size();
    }

    /** {@code n} seeded pairs as the class comment describes. */
    static Pairs generate(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        String[] vocabulary = vocabulary(rng);
        List<String> hyps = new ArrayList<>(n);
        List<String> refs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int len = 10 + rng.nextInt(31);
            List<String> words = new ArrayList<>(len);
            for (int w = 0; w < len; w++) {
                words.add(word(rng, vocabulary));
            }
            List<String> ref = new ArrayList<>(len + 4);
            for (int w = 0; w < words.size(); w++) {
                double u = rng.nextDouble();
                if (u < 0.17) {
                    ref.add(word(rng, vocabulary));            // replaced
                } else if (u < 0.22) {
                    ref.add(reinflect(words.get(w), rng));     // another suffix on the same stem
                } else if (u < 0.25) {
                    continue;                                  // dropped
                } else if (u < 0.30) {
                    ref.add(word(rng, vocabulary));            // inserted before
                    ref.add(words.get(w));
                } else if (u < 0.35 && w + 1 < words.size()) {
                    ref.add(words.get(w + 1));                 // neighbours swapped
                    ref.add(words.get(w));
                    w++;
                } else {
                    ref.add(words.get(w));
                }
            }
            hyps.add(sentence(words, rng));
            refs.add(sentence(ref, rng));
        }
        return new Pairs(hyps, refs);
    }

    private static String[] vocabulary(SplittableRandom rng) {
        String consonants = "bcdfghjklmnprstvwz";
        String vowels = "aeiou";
        java.util.Set<String> seen = new java.util.LinkedHashSet<>();
        while (seen.size() < VOCABULARY) {
            StringBuilder b = new StringBuilder();
            int syllables = 1 + rng.nextInt(3);
            for (int s = 0; s < syllables; s++) {
                b.append(consonants.charAt(rng.nextInt(consonants.length())));
                b.append(vowels.charAt(rng.nextInt(vowels.length())));
                if (rng.nextInt(3) == 0) {
                    b.append(consonants.charAt(rng.nextInt(consonants.length())));
                }
            }
            b.append(SUFFIXES[rng.nextInt(SUFFIXES.length)]);
            seen.add(b.toString());
        }
        return seen.toArray(String[]::new);
    }

    /** {@code w} with its suffix (if any) replaced by another one, as "walked" for "walking". */
    private static String reinflect(String w, SplittableRandom rng) {
        String stem = w;
        for (String s : SUFFIXES) {
            if (!s.isEmpty() && w.endsWith(s) && w.length() - s.length() >= 2) {
                stem = w.substring(0, w.length() - s.length());
                break;
            }
        }
        String other = stem + SUFFIXES[rng.nextInt(SUFFIXES.length)];
        return other.equals(w) ? stem + "ing" : other;
    }

    /** A word drawn with a skew to the front of the vocabulary (u^2), as frequent words dominate text. */
    private static String word(SplittableRandom rng, String[] vocabulary) {
        double u = rng.nextDouble();
        return vocabulary[(int) (u * u * vocabulary.length)];
    }

    /** Words joined into a sentence: a capital first letter, a comma now and then, a full stop. */
    private static String sentence(List<String> words, SplittableRandom rng) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (i == 0 && !w.isEmpty()) {
                w = Character.toUpperCase(w.charAt(0)) + w.substring(1);
            } else {
                b.append(' ');
            }
            b.append(w);
            if (i + 1 < words.size() && rng.nextInt(12) == 0) {
                b.append(',');
            }
        }
        return b.append('.').toString();
    }
}
