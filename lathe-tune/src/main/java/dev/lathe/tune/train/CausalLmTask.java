package dev.lathe.tune.train;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.op.Losses;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.engine.tensor.TensorArena;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Causal language modelling as a {@link TrainingTask}: micro-batches of {@link TokenizedExample}s padded
 * by {@link Batch}, the loss the next-token cross-entropy summed over scored tokens, evaluation the mean
 * validation loss per scored token.
 */
final class CausalLmTask implements TrainingTask {
    private final TrainableModel model;
    private final List<TokenizedExample> train;
    private final List<TokenizedExample> validation;
    private final int padId;

    CausalLmTask(TrainableModel model, List<TokenizedExample> train, List<TokenizedExample> validation, int padId) {
        if (train == null || train.isEmpty()) {
            throw new IllegalArgumentException("the training set is empty");
        }
        for (int i = 0; i < train.size(); i++) {
            if (scored(train.get(i)) == 0) {
                throw new IllegalArgumentException("training example " + i + " has no label after its first token"
                        + " that is not -100, so it gives no loss");
            }
        }
        this.model = model;
        this.train = List.copyOf(train);
        this.validation = validation == null ? List.of() : List.copyOf(validation);
        this.padId = padId;
    }

    private static int scored(TokenizedExample e) {
        int[] labels = e.labels();
        int n = 0;
        for (int i = 1; i < labels.length; i++) {
            n += labels[i] != TokenizedExample.IGNORE ? 1 : 0;
        }
        return n;
    }

    @Override
    public Map<String, Tensor> trainableParameters() {
        return model.trainableParameters();
    }

    @Override
    public void train(boolean on) {
        model.train(on);
    }

    @Override
    public void reseedDropout(long seed) {
        model.reseedDropout(seed);
    }

    @Override
    public void save(Path dir) throws IOException {
        model.save(dir);
    }

    @Override
    public void load(Path dir) throws IOException {
        model.load(dir);
    }

    @Override
    public int trainSize() {
        return train.size();
    }

    @Override
    public int trainLength(int index) {
        return train.get(index).length();
    }

    @Override
    public MicroBatch trainBatch(int[] indices) {
        List<TokenizedExample> rows = new ArrayList<>(indices.length);
        for (int i : indices) {
            rows.add(train.get(i));
        }
        Batch b = Batch.collate(rows, padId);
        return new MicroBatch() {
            @Override
            public int scored() {
                return b.targetTokens();
            }

            @Override
            public int inputTokens() {
                return b.inputTokens();
            }

            @Override
            public Tensor lossSum() {
                return CausalLmTask.this.lossSum(b);
            }
        };
    }

    private Tensor lossSum(Batch b) {
        Tensor logits = model.logits(b.ids(), b.batch(), b.time(), b.maskTensor()); // (B, T, V)
        return Losses.crossEntropy(logits, b.targets(), TokenizedExample.IGNORE, 0f, Losses.Reduction.SUM);
    }

    @Override
    public boolean hasValidation() {
        return !validation.isEmpty();
    }

    @Override
    public Scores evaluate(int batchSize) {
        double sum = 0;
        long tokens = 0;
        for (int from = 0; from < validation.size(); from += batchSize) {
            Batch b = Batch.collate(validation.subList(from, Math.min(validation.size(), from + batchSize)), padId);
            if (b.targetTokens() == 0) {
                continue;
            }
            try (TensorArena arena = TensorArena.open()) {
                sum += arena.call(() -> Autograd.noGrad(() -> (double) lossSum(b).item()));
            }
            tokens += b.targetTokens();
        }
        return new Scores(tokens == 0 ? Double.NaN : sum / tokens, Double.NaN, Double.NaN);
    }
}
