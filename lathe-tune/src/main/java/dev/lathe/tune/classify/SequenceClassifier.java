package dev.lathe.tune.classify;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.op.Softmax;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.engine.tensor.TensorArena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sequence-classification model: an {@link Encoder} (pretrained, pooled) and a {@link ClassificationHead}
 * (new) over a {@link LabelMap}. {@link #logits} is the training path; {@link #probabilities} the inference
 * path (no graph, softmax over labels). Dropout before the head is on only in training mode, with masks
 * from the seed set by {@link #reseedDropout}, so training runs replay exactly.
 */
public final class SequenceClassifier {
    /** transformers' BERT {@code hidden_dropout_prob} default, which its classifier dropout falls back to. */
    public static final float BERT_DROPOUT = 0.1f;
    private final Encoder encoder;
    private final ClassificationHead head;
    private final LabelMap labels;
    private boolean training;
    private long dropoutSeed;

    SequenceClassifier(Encoder encoder, ClassificationHead head, LabelMap labels) {
        if (head.labels() != labels.size()) {
            throw new IllegalArgumentException("the head has " + head.labels() + " outputs but there are "
                    + labels.size() + " labels");
        }
        this.encoder = encoder;
        this.head = head;
        this.labels = labels;
    }

    /**
     * A new classifier: {@code encoder} plus a freshly initialised head (weights from {@code seed}) with
     * dropout {@code dropout} before it (transformers uses 0.1 for BERT, none for decoders).
     */
    public static SequenceClassifier create(Encoder encoder, LabelMap labels, float dropout, long seed) {
        return new SequenceClassifier(encoder, ClassificationHead.create(encoder.headName(), encoder.hiddenSize(),
                labels.size(), encoder.headBias(), dropout, seed), labels);
    }

    public Encoder encoder() {
        return encoder;
    }

    public LabelMap labels() {
        return labels;
    }

    /** Dropout before the head. */
    public float dropout() {
        return head.dropout();
    }

    /** The head's tensors by Hugging Face name. */
    public Map<String, Tensor> headParameters() {
        return head.parameters();
    }

    /** Every tensor, encoder then head, by Hugging Face name. */
    public Map<String, Tensor> parameters() {
        Map<String, Tensor> all = new LinkedHashMap<>(encoder.parameters());
        all.putAll(head.parameters());
        return Collections.unmodifiableMap(all);
    }

    /** Training mode (dropout on) or inference mode. */
    public void train(boolean on) {
        training = on;
        if (encoder.lora() != null) {
            encoder.lora().train(on);
        }
    }

    /** The seed the next training forward's dropout mask derives from. */
    public void reseedDropout(long seed) {
        dropoutSeed = seed;
        if (encoder.lora() != null) {
            encoder.lora().reseed(seed);
        }
    }

    /** Logits (B, K) for padded ids (B*T) with mask (B*T; 1 = token), recording the graph. */
    public Tensor logits(int[] ids, int batch, int time, int[] mask) {
        return logitsFromPooled(encoder.pooled(ids, batch, time, mask));
    }

    /** Logits (B, K) from already pooled vectors (B, C): the head alone (used with cached features). */
    public Tensor logitsFromPooled(Tensor pooled) {
        return head.logits(pooled, training, dropoutSeed);
    }

    /** Label probabilities {@code [n][K]} for token sequences, in batches of {@code batchSize}, without a graph. */
    public float[][] probabilities(List<int[]> sequences, int batchSize, int padId) {
        float[][] out = new float[sequences.size()][];
        for (int from = 0; from < sequences.size(); from += batchSize) {
            List<int[]> part = sequences.subList(from, Math.min(sequences.size(), from + batchSize));
            Padded p = Padded.of(part, padId);
            float[] probs;
            try (TensorArena arena = TensorArena.open()) {
                probs = arena.call(() -> Autograd.noGrad(() -> Softmax.softmax(inference(p), -1).toFloatArray()));
            }
            int k = labels.size();
            for (int i = 0; i < part.size(); i++) {
                out[from + i] = Arrays.copyOfRange(probs, i * k, (i + 1) * k);
            }
        }
        return out;
    }

    private Tensor inference(Padded p) {
        boolean was = training;
        train(false);
        try {
            return logits(p.ids(), p.batch(), p.time(), p.mask());
        } finally {
            train(was);
        }
    }

    /** A right-padded (B, T) batch: ids filled with {@code padId}, mask 1 on tokens. */
    record Padded(int[] ids, int[] mask, int batch, int time, int tokens) {
        static Padded of(List<int[]> rows, int padId) {
            int t = 0;
            for (int[] r : rows) {
                t = Math.max(t, r.length);
            }
            int b = rows.size();
            int[] ids = new int[b * t];
            int[] mask = new int[b * t];
            Arrays.fill(ids, padId);
            int tokens = 0;
            for (int i = 0; i < b; i++) {
                int[] r = rows.get(i);
                System.arraycopy(r, 0, ids, i * t, r.length);
                Arrays.fill(mask, i * t, i * t + r.length, 1);
                tokens += r.length;
            }
            return new Padded(ids, mask, b, t, tokens);
        }

        static List<int[]> idsOf(List<ClassificationExample> examples) {
            List<int[]> out = new ArrayList<>(examples.size());
            for (ClassificationExample e : examples) {
                out.add(e.ids());
            }
            return out;
        }
    }
}
