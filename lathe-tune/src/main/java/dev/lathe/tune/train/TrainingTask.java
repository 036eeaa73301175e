package dev.lathe.tune.train;

import dev.lathe.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a {@link Trainer} optimises, apart from how: the trainer owns the loop (example order, length
 * bucketing, accumulation, optimizer, schedule, early stopping, checkpoints, logs); a task owns the
 * examples, how a micro-batch of them becomes a summed loss, which tensors train and how they are stored,
 * and what an evaluation measures. Two tasks exist: causal language modelling over
 * {@link TokenizedExample}s (the trainer's {@code TrainableModel} constructor) and sequence
 * classification ({@code dev.lathe.tune.classify.ClassificationTask}).
 */
public interface TrainingTask {

    /** The tensors to train, by name, contiguous F32 requiring gradients. */
    Map<String, Tensor> trainableParameters();

    /** Training mode (dropout on) or evaluation mode. */
    void train(boolean on);

    /** Sets the seed the dropout masks of the next training forward derive from (see {@link TrainableModel}). */
    void reseedDropout(long seed);

    /** Writes the trained tensors into checkpoint folder {@code dir}. */
    void save(Path dir) throws IOException;

    /** Reads back, in place, what {@link #save} wrote into {@code dir}. */
    void load(Path dir) throws IOException;

    /** Training examples. */
    int trainSize();

    /** Tokens of training example {@code index}: what length bucketing groups by. */
    int trainLength(int index);

    /** The training examples at {@code indices} as one micro-batch, collated but not yet computed. */
    MicroBatch trainBatch(int[] indices);

    /** Whether there is a validation set to {@link #evaluate}. */
    boolean hasValidation();

    /** Scores on the validation set, in batches of {@code batchSize}, without recording gradients. */
    Scores evaluate(int batchSize);

    /** One collated micro-batch. */
    interface MicroBatch {
        /** Loss terms the summed loss adds up: scored tokens, or examples. */
        int scored();

        /** Input tokens without padding (for tokens per second). */
        int inputTokens();

        /** The forward pass: the loss summed over the {@link #scored} terms, a scalar recording its graph. */
        Tensor lossSum();
    }

    /**
     * What an evaluation measured: mean loss per scored term, and for classification accuracy and
     * macro-F1 (NaN for tasks without them).
     */
    record Scores(double loss, double accuracy, double macroF1) {}
}
