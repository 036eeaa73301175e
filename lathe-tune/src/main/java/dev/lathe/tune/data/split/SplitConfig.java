package dev.lathe.tune.data.split;

import dev.lathe.tune.data.clean.NearDuplicates;

/**
 * Split fractions (summing to 1; validation or test may be 0), the seed, whether to stratify by
 * label ({@code null}: when every record has a label) and how to group duplicates so that no
 * (near-)duplicate pair straddles two splits: exact duplicates of the joined text always group;
 * {@code nearDuplicates} (nullable) groups near duplicates too.
 */
public record SplitConfig(double train, double validation, double test, long seed, Boolean stratify,
                          NearDuplicates.Config nearDuplicates) {
    public SplitConfig {
        if (train < 0 || validation < 0 || test < 0 || Math.abs(train + validation + test - 1) > 1e-9) {
            throw new IllegalArgumentException("split fractions must be >= 0 and sum to 1, got train " + train
                    + ", validation " + validation + ", test " + test);
        }
    }

    /** 80/10/10, seed 42, stratify when labelled, near-duplicate grouping at Jaccard 0.9. */
    public static SplitConfig defaults() {
        return new SplitConfig(0.8, 0.1, 0.1, 42, null, NearDuplicates.Config.defaults());
    }

    public static SplitConfig of(double train, double validation, double test, long seed) {
        return new SplitConfig(train, validation, test, seed, null, NearDuplicates.Config.defaults());
    }

    double[] fractions() {
        return new double[] {train, validation, test};
    }
}
