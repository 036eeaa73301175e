package dev.lathe.tune.classify;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A separable toy task for the tiny models: 3 classes, each text a [CLS] ... [SEP]-style sequence
 * (ids 2 and 3) of 1..5 tokens drawn from its class's own 4 token ids, so a bag-of-tokens view separates
 * the classes exactly; lengths vary, so batches pad.
 */
final class ToyData {
    static final LabelMap LABELS = new LabelMap(List.of("billing", "delivery", "refund"));
    static final int PAD = 0;

    private ToyData() {}

    /** {@code n} examples from {@code seed}; tokens stay below 40 (the tiny BERT's vocabulary). */
    static List<ClassificationExample> examples(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<ClassificationExample> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int label = rng.nextInt(3);
            int length = 1 + rng.nextInt(5);
            int[] ids = new int[length + 2];
            ids[0] = 2;
            for (int j = 1; j <= length; j++) {
                ids[j] = 4 + 4 * label + rng.nextInt(4);
            }
            ids[length + 1] = 3;
            out.add(new ClassificationExample(ids, label));
        }
        return out;
    }
}
