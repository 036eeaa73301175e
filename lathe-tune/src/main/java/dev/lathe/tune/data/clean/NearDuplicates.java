package dev.lathe.tune.data.clean;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Near-duplicate detection with MinHash and locality-sensitive hashing. Each text becomes a set of
 * shingles (character k-grams or word k-grams of the lower-cased text, hashed to 64 bits); a
 * MinHash signature of {@code numPermutations} seeded hash functions estimates Jaccard similarity;
 * LSH cuts the signature into {@code bands} of {@code rows} and makes every pair that agrees on a
 * whole band a candidate. Candidates are then verified with the exact Jaccard of their shingle sets,
 * so no pair below the threshold is ever joined; pairs above it can be missed only with the small
 * probability the band layout leaves. Joined pairs form clusters (connected components, so a chain
 * A~B~C joins A and C too).
 *
 * <p>Bands and rows come from the threshold as in the usual recipe: among all {@code b * r <=
 * numPermutations}, the layout minimising the weighted areas of false positives (the S-curve
 * {@code 1 - (1 - s^r)^b} below the threshold) and false negatives (its complement above). Unlike
 * the usual equal weights, false negatives weigh 0.9 and false positives 0.1: every candidate is
 * verified, so a false positive costs one Jaccard computation while a false negative is a
 * duplicate left in (at 0.9 and 128 permutations: 8 bands of 16 rows, a pair at Jaccard 0.95 is
 * found with probability 0.99 instead of 0.80 with 5 x 25).
 */
public final class NearDuplicates {
    /** How texts are cut into shingles. */
    public enum Shingling { CHARACTERS, WORDS }

    /**
     * Settings: Jaccard threshold in (0, 1], shingling and k, number of permutations, seed.
     * Defaults: 0.9, character 5-grams, 128 permutations, seed 42.
     */
    public record Config(double threshold, Shingling shingling, int shingleSize, int numPermutations, long seed) {
        public Config {
            if (!(threshold > 0 && threshold <= 1)) throw new IllegalArgumentException("threshold must be in (0, 1], got " + threshold);
            if (shingleSize < 1) throw new IllegalArgumentException("shingleSize must be >= 1, got " + shingleSize);
            if (numPermutations < 2) throw new IllegalArgumentException("numPermutations must be >= 2, got " + numPermutations);
        }

        public static Config defaults() {
            return new Config(0.9, Shingling.CHARACTERS, 5, 128, 42);
        }

        public Config withThreshold(double t) {
            return new Config(t, shingling, shingleSize, numPermutations, seed);
        }
    }

    /** The LSH layout: bands of rows each, {@code bands * rows <= numPermutations}. */
    public record Layout(int bands, int rows) {}

    static final double FALSE_POSITIVE_WEIGHT = 0.1;

    private final Config config;
    private final Layout layout;
    private final long[] seeds;

    public NearDuplicates(Config config) {
        this.config = config;
        this.layout = layout(config.threshold(), config.numPermutations());
        SplittableRandom rnd = new SplittableRandom(config.seed());
        this.seeds = new long[config.numPermutations()];
        for (int i = 0; i < seeds.length; i++) seeds[i] = rnd.nextLong();
    }

    public Layout layout() { return layout; }

    /** The band layout minimising false positive plus false negative area for a threshold. */
    public static Layout layout(double threshold, int numPermutations) {
        Layout best = null;
        double bestErr = Double.MAX_VALUE;
        for (int b = 1; b <= numPermutations; b++) {
            for (int rr = 1; rr * b <= numPermutations; rr++) {
                final int r = rr, bands = b;
                double fp = integrate(s -> 1 - Math.pow(1 - Math.pow(s, r), bands), 0, threshold);
                double fn = integrate(s -> Math.pow(1 - Math.pow(s, r), bands), threshold, 1);
                double err = FALSE_POSITIVE_WEIGHT * fp + (1 - FALSE_POSITIVE_WEIGHT) * fn;
                if (err < bestErr) {
                    bestErr = err;
                    best = new Layout(b, r);
                }
            }
        }
        return best;
    }

    private static double integrate(java.util.function.DoubleUnaryOperator f, double a, double b) {
        int n = 200; // midpoint rule: ample for a smooth curve on [0, 1]
        double h = (b - a) / n, sum = 0;
        for (int i = 0; i < n; i++) sum += f.applyAsDouble(a + (i + 0.5) * h);
        return sum * h;
    }

    /** Distinct shingle hashes of a text, sorted. A text shorter than k is one shingle. */
    public long[] shingles(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        int k = config.shingleSize();
        long[] out;
        if (config.shingling() == Shingling.CHARACTERS) {
            if (t.length() <= k) return new long[] {hash(t)};
            out = new long[t.length() - k + 1];
            for (int i = 0; i + k <= t.length(); i++) out[i] = hash(t.substring(i, i + k));
        } else {
            String[] w = t.strip().split("\\s+");
            if (w.length <= k) return new long[] {hash(String.join(" ", w))};
            out = new long[w.length - k + 1];
            for (int i = 0; i + k <= w.length; i++) out[i] = hash(String.join(" ", Arrays.asList(w).subList(i, i + k)));
        }
        return Arrays.stream(out).sorted().distinct().toArray();
    }

    /** The MinHash signature of a shingle set: per seeded hash function, the minimum over shingles. */
    public long[] signature(long[] shingles) {
        long[] sig = new long[seeds.length];
        Arrays.fill(sig, Long.MAX_VALUE);
        for (long s : shingles) {
            for (int i = 0; i < seeds.length; i++) {
                long h = mix(s ^ seeds[i]);
                if (h < sig[i]) sig[i] = h;
            }
        }
        return sig;
    }

    /** The fraction of signature positions that agree: an unbiased estimate of Jaccard similarity. */
    public static double estimate(long[] sigA, long[] sigB) {
        int same = 0;
        for (int i = 0; i < sigA.length; i++) if (sigA[i] == sigB[i]) same++;
        return (double) same / sigA.length;
    }

    /** Exact Jaccard similarity of two sorted distinct shingle sets. */
    public static double jaccard(long[] a, long[] b) {
        int i = 0, j = 0, inter = 0;
        while (i < a.length && j < b.length) {
            if (a[i] == b[j]) { inter++; i++; j++; }
            else if (a[i] < b[j]) i++;
            else j++;
        }
        int union = a.length + b.length - inter;
        return union == 0 ? 1 : (double) inter / union;
    }

    /**
     * Clusters texts: {@code group[i]} is the smallest index in i's cluster (so {@code group[i] == i}
     * for the first record of each cluster and for records without near duplicates).
     */
    public int[] groups(List<String> texts) {
        int n = texts.size();
        long[][] sh = new long[n][];
        long[][] sig = new long[n][];
        for (int i = 0; i < n; i++) {
            sh[i] = shingles(texts.get(i));
            sig[i] = signature(sh[i]);
        }
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) parent[i] = i;
        int r = layout.rows();
        for (int b = 0; b < layout.bands(); b++) {
            Map<Long, List<Integer>> buckets = new HashMap<>();
            for (int i = 0; i < n; i++) {
                long key = b;
                for (int j = b * r; j < (b + 1) * r; j++) key = mix(key * 31 + sig[i][j]);
                buckets.computeIfAbsent(key, x -> new ArrayList<>(2)).add(i);
            }
            for (List<Integer> bucket : buckets.values()) {
                for (int x = 0; x < bucket.size(); x++) {
                    for (int y = x + 1; y < bucket.size(); y++) {
                        int p = bucket.get(x), q = bucket.get(y);
                        if (find(parent, p) == find(parent, q)) continue; // already joined: no need to verify
                        if (jaccard(sh[p], sh[q]) >= config.threshold()) union(parent, p, q);
                    }
                }
            }
        }
        int[] group = new int[n];
        for (int i = 0; i < n; i++) group[i] = find(parent, i);
        return group;
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    /** Joins two clusters under the smaller root, so roots are each cluster's first index. */
    private static void union(int[] parent, int a, int b) {
        int ra = find(parent, a), rb = find(parent, b);
        if (ra < rb) parent[rb] = ra;
        else if (rb < ra) parent[ra] = rb;
    }

    /** 64-bit FNV-1a over the UTF-16 chars, finished with a mixer. */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    /** SplitMix64's finaliser: a bijective, well-mixing 64-bit permutation. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
