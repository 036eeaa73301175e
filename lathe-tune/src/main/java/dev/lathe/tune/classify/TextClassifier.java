package dev.lathe.tune.classify;

import dev.lathe.models.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Texts in, labels with their probabilities out: a {@link SequenceClassifier} with its tokenizer. The
 * probability of the predicted label is the confidence a caller can act on (answer, or escalate to a
 * person when it is low). Also turns labelled texts into {@link ClassificationExample}s for training.
 */
public final class TextClassifier {
    private static final int BATCH = 32;
    private final SequenceClassifier classifier;
    private final Tokenizer tokenizer;
    private final int maxLength;
    private final int padId;

    /** One prediction: the most probable label, its probability, and every label's probability by label id. */
    public record Prediction(String label, double confidence, float[] probabilities) {
        public Prediction {
            probabilities = probabilities.clone();
        }

        @Override
        public float[] probabilities() {
            return probabilities.clone();
        }
    }

    public TextClassifier(SequenceClassifier classifier, Tokenizer tokenizer, int maxLength, int padId) {
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength must be >= 2, got " + maxLength);
        }
        this.classifier = classifier;
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        this.padId = padId;
    }

    public Prediction predict(String text) {
        return predict(List.of(text)).getFirst();
    }

    public List<Prediction> predict(List<String> texts) {
        List<int[]> ids = new ArrayList<>(texts.size());
        for (String t : texts) {
            ids.add(encode(tokenizer, t, maxLength));
        }
        float[][] probs = classifier.probabilities(ids, BATCH, padId);
        List<Prediction> out = new ArrayList<>(texts.size());
        for (float[] p : probs) {
            int best = 0;
            for (int j = 1; j < p.length; j++) {
                if (p[j] > p[best]) {
                    best = j;
                }
            }
            out.add(new Prediction(classifier.labels().label(best), p[best], p));
        }
        return out;
    }

    /**
     * {@code text}'s ids with the tokenizer's special tokens, truncated to {@code maxLength}; a special last
     * token ([SEP], EOS) is kept as the last one, as transformers' truncation keeps it.
     */
    public static int[] encode(Tokenizer tokenizer, String text, int maxLength) {
        int[] ids = tokenizer.encode(text, true);
        if (ids.length == 0) {
            throw new IllegalArgumentException("text '" + text + "' has no tokens");
        }
        if (ids.length <= maxLength) {
            return ids;
        }
        int last = ids[ids.length - 1];
        int[] out = Arrays.copyOf(ids, maxLength);
        if (tokenizer.isSpecial(last)) {
            out[maxLength - 1] = last;
        }
        return out;
    }

    /** Labelled texts as training examples ({@code labels.get(i)} is the label of {@code texts.get(i)}). */
    public static List<ClassificationExample> examples(Tokenizer tokenizer, LabelMap labelMap, List<String> texts,
            List<String> labels, int maxLength) {
        if (texts.size() != labels.size()) {
            throw new IllegalArgumentException(texts.size() + " texts but " + labels.size() + " labels");
        }
        List<ClassificationExample> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            out.add(new ClassificationExample(encode(tokenizer, texts.get(i), maxLength), labelMap.id(labels.get(i))));
        }
        return out;
    }
}
