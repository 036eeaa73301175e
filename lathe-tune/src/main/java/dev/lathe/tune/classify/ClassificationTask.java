package dev.lathe.tune.classify;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.op.Losses;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.engine.tensor.TensorArena;
import dev.lathe.eval.metrics.classification.Average;
import dev.lathe.eval.metrics.classification.ClassificationMetrics;
import dev.lathe.models.format.safetensors.SafetensorsFile;
import dev.lathe.models.format.safetensors.SafetensorsWriter;
import dev.lathe.tune.train.FullFineTuning;
import dev.lathe.tune.train.TrainingTask;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sequence classification as a {@link TrainingTask}: cross-entropy of the classifier's logits against the
 * label ids, summed over the examples of a micro-batch (so the trainer's step loss is the mean per
 * example); evaluation reports the mean validation loss, accuracy and macro-F1 (lathe-eval's, as sklearn
 * computes them). {@link TrainingMode} decides which encoder weights train; the head always does.
 *
 * <p>With a frozen encoder the pooled features of every training and validation example are computed once,
 * up front, and each step runs only the head: the features do not change, and dropout comes after pooling,
 * so the result is the same as running the encoder every step, many times faster on a CPU.
 */
public final class ClassificationTask implements TrainingTask {
    static final String WEIGHTS_FILE = "model.safetensors";
    private static final int FEATURE_BATCH = 32;
    private final SequenceClassifier classifier;
    private final List<ClassificationExample> train;
    private final List<ClassificationExample> validation;
    private final int padId;
    private final Map<String, Tensor> trainable;
    private final float[][] trainFeatures;      // pooled (C) per example when the encoder is frozen, else null
    private final float[][] validationFeatures;

    public ClassificationTask(SequenceClassifier classifier, TrainingMode mode, List<ClassificationExample> train,
            List<ClassificationExample> validation, int padId) {
        this(classifier, mode, train, validation, padId, true);
    }

    /** As the public constructor; {@code cacheFeatures} false runs a frozen encoder every step (for tests). */
    ClassificationTask(SequenceClassifier classifier, TrainingMode mode, List<ClassificationExample> train,
            List<ClassificationExample> validation, int padId, boolean cacheFeatures) {
        if (train == null || train.isEmpty()) {
            throw new IllegalArgumentException("the training set is empty");
        }
        this.classifier = classifier;
        this.train = List.copyOf(train);
        this.validation = validation == null ? List.of() : List.copyOf(validation);
        this.padId = padId;
        checkLabels("training", this.train);
        checkLabels("validation", this.validation);
        Map<String, Tensor> selected = new LinkedHashMap<>();
        classifier.encoder().parameters().forEach((name, t) -> {
            boolean on = mode.trains(name);
            t.requiresGrad(on);
            if (on) {
                selected.put(name, t);
            }
        });
        if (mode instanceof TrainingMode.Lora) {
            if (classifier.encoder().lora() == null) {
                throw new IllegalArgumentException("LoRA training needs an encoder with a LoRA adapter: build it with"
                        + " encoder.withLora(config, seed)");
            }
            selected.putAll(classifier.encoder().lora().trainableParameters());
        }
        boolean frozen = selected.isEmpty() && cacheFeatures;
        classifier.headParameters().forEach((name, t) -> {
            t.requiresGrad(true);
            selected.put(name, t);
        });
        this.trainable = Collections.unmodifiableMap(selected);
        this.trainFeatures = frozen ? features(this.train) : null;
        this.validationFeatures = frozen ? features(this.validation) : null;
    }

    private void checkLabels(String set, List<ClassificationExample> examples) {
        int k = classifier.labels().size();
        for (int i = 0; i < examples.size(); i++) {
            if (examples.get(i).label() >= k) {
                throw new IllegalArgumentException(set + " example " + i + " has label id " + examples.get(i).label()
                        + " but the classifier has " + k + " labels");
            }
        }
    }

    /** Whether the encoder is frozen and its pooled features were computed once. */
    public boolean usesCachedFeatures() {
        return trainFeatures != null;
    }

    public SequenceClassifier classifier() {
        return classifier;
    }

    private float[][] features(List<ClassificationExample> examples) {
        int c = classifier.encoder().hiddenSize();
        float[][] out = new float[examples.size()][];
        // Sorted by length so each batch pads little; padding does not change a row's pooled vector.
        Integer[] order = new Integer[examples.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(examples.get(a).length(), examples.get(b).length()));
        for (int from = 0; from < order.length; from += FEATURE_BATCH) {
            List<int[]> rows = new ArrayList<>();
            for (int i = from; i < Math.min(order.length, from + FEATURE_BATCH); i++) {
                rows.add(examples.get(order[i]).ids());
            }
            SequenceClassifier.Padded p = SequenceClassifier.Padded.of(rows, padId);
            float[] pooled;
            try (TensorArena arena = TensorArena.open()) {
                pooled = arena.call(() -> Autograd.noGrad(() ->
                        classifier.encoder().pooled(p.ids(), p.batch(), p.time(), p.mask()).toFloatArray()));
            }
            for (int i = 0; i < rows.size(); i++) {
                out[order[from + i]] = Arrays.copyOfRange(pooled, i * c, (i + 1) * c);
            }
        }
        return out;
    }

    @Override
    public Map<String, Tensor> trainableParameters() {
        return trainable;
    }

    @Override
    public void train(boolean on) {
        classifier.train(on);
    }

    @Override
    public void reseedDropout(long seed) {
        classifier.reseedDropout(seed);
    }

    /** Writes the trainable tensors (the head, and the encoder weights that train) as {@code model.safetensors}. */
    @Override
    public void save(Path dir) throws IOException {
        SafetensorsWriter.write(dir.resolve(WEIGHTS_FILE), trainable, Map.of("format", "pt"));
    }

    @Override
    public void load(Path dir) throws IOException {
        Path file = dir.resolve(WEIGHTS_FILE);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (Map.Entry<String, Tensor> e : trainable.entrySet()) {
                if (!f.names().contains(e.getKey())) {
                    throw new IllegalArgumentException(file + ": no tensor " + e.getKey());
                }
                FullFineTuning.copyInto(file, e.getKey(), f.tensor(e.getKey()), e.getValue());
            }
        }
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
        List<ClassificationExample> rows = new ArrayList<>(indices.length);
        for (int i : indices) {
            rows.add(train.get(i));
        }
        int[] picked = indices.clone();
        int tokens = rows.stream().mapToInt(ClassificationExample::length).sum();
        return new MicroBatch() {
            @Override
            public int scored() {
                return picked.length;
            }

            @Override
            public int inputTokens() {
                return tokens;
            }

            @Override
            public Tensor lossSum() {
                return loss(rows, trainFeatures == null ? null : pick(trainFeatures, picked));
            }
        };
    }

    private static float[][] pick(float[][] features, int[] indices) {
        float[][] out = new float[indices.length][];
        for (int i = 0; i < indices.length; i++) {
            out[i] = features[indices[i]];
        }
        return out;
    }

    /** Logits (B, K) of {@code rows}: the head over cached features when given, else the whole model. */
    private Tensor logits(List<ClassificationExample> rows, float[][] features) {
        if (features != null) {
            int c = features[0].length;
            float[] flat = new float[features.length * c];
            for (int i = 0; i < features.length; i++) {
                System.arraycopy(features[i], 0, flat, i * c, c);
            }
            return classifier.logitsFromPooled(Tensor.of(flat, features.length, c));
        }
        SequenceClassifier.Padded p = SequenceClassifier.Padded.of(SequenceClassifier.Padded.idsOf(rows), padId);
        return classifier.logits(p.ids(), p.batch(), p.time(), p.mask());
    }

    private Tensor loss(List<ClassificationExample> rows, float[][] features) {
        int[] targets = rows.stream().mapToInt(ClassificationExample::label).toArray();
        return Losses.crossEntropy(logits(rows, features), targets, Losses.DEFAULT_IGNORE_INDEX, 0f,
                Losses.Reduction.SUM);
    }

    @Override
    public boolean hasValidation() {
        return !validation.isEmpty();
    }

    @Override
    public Scores evaluate(int batchSize) {
        double sum = 0;
        List<String> truth = new ArrayList<>(validation.size());
        List<String> predicted = new ArrayList<>(validation.size());
        LabelMap labels = classifier.labels();
        for (int from = 0; from < validation.size(); from += batchSize) {
            int to = Math.min(validation.size(), from + batchSize);
            List<ClassificationExample> rows = validation.subList(from, to);
            float[][] features = null;
            if (validationFeatures != null) {
                features = Arrays.copyOfRange(validationFeatures, from, to);
            }
            float[][] f = features;
            double[] lossAndArgmax = new double[1 + rows.size()];
            try (TensorArena arena = TensorArena.open()) {
                arena.run(() -> Autograd.noGrad(() -> {
                    Tensor logits = logits(rows, f);
                    int[] targets = rows.stream().mapToInt(ClassificationExample::label).toArray();
                    lossAndArgmax[0] = Losses.crossEntropy(logits, targets, Losses.DEFAULT_IGNORE_INDEX, 0f,
                            Losses.Reduction.SUM).item();
                    float[] v = logits.toFloatArray();
                    int k = labels.size();
                    for (int i = 0; i < rows.size(); i++) {
                        int best = 0;
                        for (int j = 1; j < k; j++) {
                            if (v[i * k + j] > v[i * k + best]) {
                                best = j;
                            }
                        }
                        lossAndArgmax[1 + i] = best;
                    }
                    return null;
                }));
            }
            sum += lossAndArgmax[0];
            for (int i = 0; i < rows.size(); i++) {
                truth.add(labels.label(rows.get(i).label()));
                predicted.add(labels.label((int) lossAndArgmax[1 + i]));
            }
        }
        return new Scores(sum / validation.size(), ClassificationMetrics.accuracy(truth, predicted),
                ClassificationMetrics.f1(truth, predicted, Average.MACRO));
    }
}
