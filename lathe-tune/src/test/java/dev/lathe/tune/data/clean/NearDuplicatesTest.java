package dev.lathe.tune.data.clean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * MinHash + LSH against exact Jaccard on constructed pairs: with word 1-shingles, a text of 100
 * distinct words and a copy with m words replaced by new ones have Jaccard (100 - m) / (100 + m)
 * exactly, so each pair's true similarity is known in advance.
 */
class NearDuplicatesTest {
    private static final NearDuplicates.Config WORDS =
            new NearDuplicates.Config(0.9, NearDuplicates.Shingling.WORDS, 1, 128, 7);

    private static String words(int pair, int replaced) {
        return IntStream.range(0, 100).mapToObj(i -> i < replaced ? "new" + pair + "x" + i : "w" + pair + "y" + i)
                .collect(Collectors.joining(" "));
    }

    @Test
    void constructedPairsHaveTheJaccardTheirConstructionPromises() {
        NearDuplicates nd = new NearDuplicates(WORDS);
        assertThat(NearDuplicates.jaccard(nd.shingles(words(0, 0)), nd.shingles(words(0, 5)))).isEqualTo(95.0 / 105);
    }

    @Test
    void minHashEstimatesJaccardWithinSamplingError() {
        NearDuplicates nd = new NearDuplicates(WORDS);
        for (int m : new int[] {0, 5, 20, 50, 100}) {
            long[] a = nd.shingles(words(1, 0)), b = nd.shingles(words(1, m));
            double exact = NearDuplicates.jaccard(a, b);
            // 128 permutations: standard error sqrt(J(1-J)/128) <= 0.045; allow about 3 of them
            assertThat(NearDuplicates.estimate(nd.signature(a), nd.signature(b))).as("m=%d", m).isCloseTo(exact, within(0.14));
        }
    }

    @Test
    void theBandLayoutPutsTheSCurvesMidpointNearTheThreshold() {
        for (double t : new double[] {0.5, 0.8, 0.9}) {
            NearDuplicates.Layout l = NearDuplicates.layout(t, 128);
            assertThat(l.bands() * l.rows()).isLessThanOrEqualTo(128);
            assertThat(Math.pow(1.0 / l.bands(), 1.0 / l.rows())).as("threshold %s: %s", t, l).isCloseTo(t, within(0.1));
        }
    }

    @Test
    void pairsAboveTheThresholdAreFoundAndPairsBelowAreNever() {
        List<String> texts = new ArrayList<>();
        for (int p = 0; p < 20; p++) {
            texts.add(words(p, 0));
            texts.add(words(p, p % 2 == 0 ? 1 : 12)); // J = 0.980 (even p) or 0.786 (odd p)
        }
        int[] g = new NearDuplicates(WORDS).groups(texts);
        for (int p = 0; p < 20; p++) {
            if (p % 2 == 0) assertThat(g[2 * p + 1]).as("pair %d, J=0.980", p).isEqualTo(2 * p);
            else assertThat(g[2 * p + 1]).as("pair %d, J=0.786", p).isEqualTo(2 * p + 1);
        }
    }

    @Test
    void atTheDefaultThresholdTheLayoutFavoursRecall() {
        NearDuplicates.Layout l = NearDuplicates.layout(0.9, 128);
        double pFound = 1 - Math.pow(1 - Math.pow(0.95, l.rows()), l.bands());
        assertThat(l).isEqualTo(new NearDuplicates.Layout(8, 16));
        assertThat(pFound).isGreaterThan(0.98);
    }

    @Test
    void candidatesJustBelowTheThresholdAreRejectedByExactVerification() {
        // J = 95/105 = 0.905 passes a 0.9 threshold; J = 94/106 = 0.887 must not, however the bands fall
        List<String> texts = List.of(words(0, 0), words(0, 5), words(1, 0), words(1, 6));
        int[] g = new NearDuplicates(WORDS).groups(texts);
        assertThat(g[3]).isEqualTo(3);
    }

    @Test
    void clustersAreDeterministicForASeedAndCharacterShinglesWork() {
        List<String> texts = List.of("The quick brown fox jumps over the lazy dog.",
                "The quick brown fox jumps over the lazy dog!", "Lorem ipsum dolor sit amet.", "the QUICK brown fox jumps over the lazy dog.");
        NearDuplicates.Config c = NearDuplicates.Config.defaults().withThreshold(0.8);
        assertThat(new NearDuplicates(c).groups(texts)).containsExactly(0, 0, 2, 0)
                .isEqualTo(new NearDuplicates(c).groups(texts));
    }
}
