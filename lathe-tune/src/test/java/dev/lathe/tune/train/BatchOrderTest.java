package dev.lathe.tune.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;

/** The batches of an epoch: each example once, a function of seed and epoch, and with bucketing far less padding. */
class BatchOrderTest {
    static final int SIZE = 1000;
    static final int BATCH = 8;
    static final int[] LENGTHS = new SplittableRandom(1).ints(SIZE, 3, 120).toArray();
    static final IntUnaryOperator BY_LENGTH = i -> LENGTHS[i];

    static long padding(int[][] batches) {
        long pad = 0;
        for (int[] b : batches) {
            int max = Arrays.stream(b).map(i -> LENGTHS[i]).max().orElse(0);
            for (int i : b) {
                pad += max - LENGTHS[i];
            }
        }
        return pad;
    }

    static void eachExampleOnce(int[][] batches) {
        assertThat(batches).hasNumberOfRows((SIZE + BATCH - 1) / BATCH);
        int[] all = Arrays.stream(batches).flatMapToInt(Arrays::stream).sorted().toArray();
        assertThat(all).hasSize(SIZE);
        for (int i = 0; i < SIZE; i++) {
            assertThat(all[i]).isEqualTo(i);
        }
    }

    @Test
    void bucketedBatchesHoldEachExampleOnceAndPadAFractionOfShuffledOnes() {
        int[][] plain = BatchOrder.epoch(7, 0, SIZE, BATCH, null);
        int[][] bucketed = BatchOrder.epoch(7, 0, SIZE, BATCH, BY_LENGTH);
        eachExampleOnce(plain);
        eachExampleOnce(bucketed);
        assertThat(padding(bucketed)).isLessThan(padding(plain) / 10);
    }

    @Test
    void theBatchesAreAFunctionOfTheSeedAndTheEpochOnly() {
        assertThat(BatchOrder.epoch(7, 3, SIZE, BATCH, BY_LENGTH)).isDeepEqualTo(BatchOrder.epoch(7, 3, SIZE, BATCH, BY_LENGTH));
        assertThat(BatchOrder.epoch(7, 3, SIZE, BATCH, BY_LENGTH)).isNotEqualTo(BatchOrder.epoch(7, 4, SIZE, BATCH, BY_LENGTH));
        assertThat(BatchOrder.epoch(7, 3, SIZE, BATCH, BY_LENGTH)).isNotEqualTo(BatchOrder.epoch(8, 3, SIZE, BATCH, BY_LENGTH));
        // The longest batch does not always come first.
        int[][] a = BatchOrder.epoch(7, 0, SIZE, BATCH, BY_LENGTH);
        int longest = LENGTHS[Arrays.stream(a[0]).boxed().max((x, y) -> LENGTHS[x] - LENGTHS[y]).orElseThrow()];
        assertThat(longest).isLessThan(Arrays.stream(LENGTHS).max().orElseThrow());
    }
}
