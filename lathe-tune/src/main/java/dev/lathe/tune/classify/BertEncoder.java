package dev.lathe.tune.classify;

import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.config.ModelConfig;
import dev.lathe.models.family.bert.BertModel;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A BERT-family encoder ({@link BertModel}) over writable F32 copies of its weights, pooled by the mean over
 * non-padding tokens (as sentence-transformers; transformers' {@code BertForSequenceClassification} would
 * use the pooler on [CLS] instead, which sentence-embedding models such as all-MiniLM-L6-v2 do not train).
 * Its weights are named {@code bert.<name>} as in a {@code BertForSequenceClassification} checkpoint.
 */
public final class BertEncoder implements Encoder {
    static final String PREFIX = "bert.";
    private final BertModel model;
    private final Map<String, Tensor> parameters;

    private BertEncoder(BertModel model) {
        this.model = model;
        Map<String, Tensor> named = new LinkedHashMap<>();
        model.parameters().forEach((n, t) -> named.put(PREFIX + n, t));
        this.parameters = Collections.unmodifiableMap(named);
    }

    /** An encoder over heap F32 copies of {@code base}'s weights ({@code base} is not modified and may be closed). */
    public static BertEncoder of(BertModel base) {
        Map<String, Tensor> copies = new LinkedHashMap<>();
        base.parameters().forEach((n, t) -> copies.put(n, Tensor.of(t.toFloatArray(), t.shape())));
        return new BertEncoder(BertModel.load(copies, base.config()));
    }

    /** The BERT model over this encoder's weights. */
    public BertModel model() {
        return model;
    }

    @Override
    public Tensor pooled(int[] ids, int batch, int time, int[] mask) {
        int[][] rows = Pooling.rows(ids, batch, time);
        int[][] maskRows = Pooling.rows(mask, batch, time);
        return Pooling.MEAN.pool(model.forward(rows, maskRows, null), mask);
    }

    @Override
    public int hiddenSize() {
        return model.config().hiddenSize();
    }

    @Override
    public Map<String, Tensor> parameters() {
        return parameters;
    }

    @Override
    public ModelConfig config() {
        return model.config();
    }

    @Override
    public Pooling pooling() {
        return Pooling.MEAN;
    }

    @Override
    public String headName() {
        return "classifier";
    }

    @Override
    public boolean headBias() {
        return true;
    }

    @Override
    public String architecture() {
        return "BertForSequenceClassification";
    }
}
