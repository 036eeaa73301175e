package dev.lathe.tune.data.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Length distribution of a split (chars or tokens): min, max, mean, median, 95th percentile
 * (nearest rank), and a histogram over power-of-two bins {@code [0, 16), [16, 32), [32, 64) ...}
 * up to the bin holding the maximum, so that short and very long records both stay readable.
 */
public record LengthStats(int count, int min, int max, double mean, int p50, int p95, List<Bin> histogram) {
    /** Lengths in {@code [from, to)}. */
    public record Bin(int from, int to, int count) {}

    public LengthStats {
        histogram = List.copyOf(histogram);
    }

    public static LengthStats of(int[] lengths) {
        if (lengths.length == 0) return new LengthStats(0, 0, 0, 0, 0, 0, List.of());
        int[] s = lengths.clone();
        Arrays.sort(s);
        long sum = 0;
        for (int v : s) sum += v;
        List<Bin> bins = new ArrayList<>();
        int from = 0, to = 16, i = 0;
        while (i < s.length) {
            int c = 0;
            while (i < s.length && s[i] < to) {
                c++;
                i++;
            }
            bins.add(new Bin(from, to, c));
            from = to;
            to = to > Integer.MAX_VALUE / 2 ? Integer.MAX_VALUE : to * 2;
        }
        return new LengthStats(s.length, s[0], s[s.length - 1], (double) sum / s.length, rank(s, 0.5), rank(s, 0.95), bins);
    }

    private static int rank(int[] sorted, double q) {
        int k = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, k - 1)];
    }
}
