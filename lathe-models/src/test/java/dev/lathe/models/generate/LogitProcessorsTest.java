package dev.lathe.models.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The partial selections (top-k, nucleus, top-n) agree with a full sort on random inputs with ties. */
class LogitProcessorsTest {

    /** Ids ranked best first: higher key, then lower id. */
    private static Integer[] ranked(float[] key) {
        Integer[] ids = IntStream.range(0, key.length).boxed().toArray(Integer[]::new);
        Arrays.sort(ids, Comparator.<Integer>comparingDouble(i -> -key[i]).thenComparingInt(i -> i));
        return ids;
    }

    /** Keys drawn from few distinct values (many ties), each a multiple of 1/64 so sums are exact. */
    private static float[] keys(long seed, int n, int distinct) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] k = new float[n];
        for (int i = 0; i < n; i++) {
            k[i] = r.nextInt(distinct) / 64f;
        }
        return k;
    }

    private static int[] identity(int n) {
        return IntStream.range(0, n).toArray();
    }

    @Property(tries = 100, seed = "20261126")
    void quickselectAndHeapKeepTheKTopRankedIds(@ForAll @IntRange(min = 1, max = 700) int n,
            @ForAll @IntRange(min = 1, max = 64) int distinct, @ForAll long seed) {
        float[] key = keys(seed, n, distinct);
        int k = 1 + new SplittableRandom(seed ^ 1).nextInt(n);
        int[] idx = identity(n);
        LogitProcessors.selectTop(key, idx, n, k);
        int[] got = Arrays.copyOf(idx, k);
        Arrays.sort(got);
        int[] want = Arrays.stream(ranked(key)).limit(k).mapToInt(Integer::intValue).sorted().toArray();
        assertThat(got).containsExactly(want);
        int[] all = idx.clone();
        Arrays.sort(all);
        assertThat(all).containsExactly(identity(n)); // a permutation

        int[] heap = new int[n];
        LogitProcessors.selectTopHeap(key, heap, n, k);
        int[] fromHeap = Arrays.copyOf(heap, k);
        Arrays.sort(fromHeap);
        assertThat(fromHeap).containsExactly(want);
    }

    @Property(tries = 100, seed = "20261126")
    void selectNucleusMatchesTheSortedCumulativeSum(@ForAll @IntRange(min = 1, max = 700) int n,
            @ForAll @IntRange(min = 1, max = 64) int distinct, @ForAll long seed) {
        float[] w = keys(seed, n, distinct);
        w[0] = 1f; // at least one positive weight
        double total = 0;
        for (float x : w) {
            total += x;
        }
        double p = 0.05 + 0.95 * new SplittableRandom(seed ^ 2).nextDouble();
        double target = p * total;
        int[] idx = identity(n);
        int m = LogitProcessors.selectNucleus(w, idx, n, total, p);
        Integer[] order = ranked(w);
        double acc = 0;
        int want = n;
        for (int i = 0; i < n; i++) {
            acc += w[order[i]];
            if (acc >= target) {
                want = i + 1;
                break;
            }
        }
        assertThat(m).isEqualTo(want);
        int[] got = Arrays.copyOf(idx, m);
        Arrays.sort(got);
        assertThat(got).containsExactly(Arrays.stream(order).limit(want).mapToInt(Integer::intValue).sorted()
                .toArray());
    }

    @Property(tries = 100, seed = "20261126")
    void topNListsTheBestLogitsInRankOrder(@ForAll @IntRange(min = 1, max = 300) int n,
            @ForAll @IntRange(min = 1, max = 20) int k, @ForAll long seed) {
        float[] key = keys(seed, n, 16);
        int kk = Math.min(k, n);
        int[] ids = new int[kk];
        float[] values = new float[kk];
        LogitProcessors.topN(key, n, kk, ids, values);
        Integer[] order = ranked(key);
        for (int i = 0; i < kk; i++) {
            assertThat(ids[i]).isEqualTo(order[i]);
            assertThat(values[i]).isEqualTo(key[order[i]]);
        }
    }

    @Property(tries = 50, seed = "20261126")
    void filterMinPKeepsTokensAtLeastMinPTimesTheBest(@ForAll @IntRange(min = 1, max = 200) int n,
            @ForAll long seed) {
        float[] w = keys(seed, n, 64);
        float minP = (float) new SplittableRandom(seed).nextDouble();
        int[] idx = identity(n);
        int m = LogitProcessors.filterMinP(w, idx, n, minP);
        float max = 0;
        for (float x : w) {
            max = Math.max(max, x);
        }
        float threshold = minP * max;
        int[] want = IntStream.range(0, n).filter(t -> w[t] >= threshold).toArray();
        assertThat(Arrays.copyOf(idx, m)).containsExactly(want);
    }
}
