package dev.lathe.models.generate;

/**
 * Vocabulary-sized work arrays for one sampling step, allocated once and shared by every sequence a
 * {@link BatchStep} samples (they are used one after another), so the loop allocates no V-sized array.
 */
final class SamplingScratch {
    final int vocab;
    final int[] idx; // (V) candidate token ids
    final float[] weights; // (V) unnormalised probabilities, indexed by token id
    final int[] topIds = new int[SamplingParams.MAX_TOP_LOGPROBS];
    final float[] topValues = new float[SamplingParams.MAX_TOP_LOGPROBS];

    SamplingScratch(int vocab) {
        this.vocab = vocab;
        this.idx = new int[vocab];
        this.weights = new float[vocab];
    }
}
