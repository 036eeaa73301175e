package dev.lathe.tune.classify;

import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.config.ModelConfig;
import dev.lathe.models.family.bert.BertModel;
import dev.lathe.tune.peft.AdapterBase;
import dev.lathe.tune.peft.lora.LoraConfig;
import dev.lathe.tune.peft.lora.LoraModel;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A BERT-family encoder ({@link BertModel}) over writable F32 copies of its weights, pooled by the mean over
 * non-padding tokens (as sentence-transformers; transformers' {@code BertForSequenceClassification} would
 * use the pooler on [CLS] instead, which sentence-embedding models such as all-MiniLM-L6-v2 do not train).
 * Its weights are named {@code bert.<name>} as in a {@code BertForSequenceClassification} checkpoint.
 * {@link #withLora} puts a LoRA adapter on its projections (module paths {@code bert.encoder.layer.<i>...}, as
 * PEFT names them on a {@code BertForSequenceClassification}); the forward then runs through it.
 */
public final class BertEncoder implements Encoder {
    static final String PREFIX = "bert.";
    private final BertModel model;
    private final Map<String, Tensor> parameters;
    private final LoraModel lora; // null without an adapter

    private BertEncoder(BertModel model, LoraModel lora) {
        this.model = model;
        this.lora = lora;
        Map<String, Tensor> named = new LinkedHashMap<>();
        model.parameters().forEach((n, t) -> named.put(PREFIX + n, t));
        this.parameters = Collections.unmodifiableMap(named);
    }

    /** An encoder over heap F32 copies of {@code base}'s weights ({@code base} is not modified and may be closed). */
    public static BertEncoder of(BertModel base) {
        Map<String, Tensor> copies = new LinkedHashMap<>();
        base.parameters().forEach((n, t) -> copies.put(n, Tensor.of(t.toFloatArray(), t.shape())));
        return new BertEncoder(BertModel.load(copies, base.config()), null);
    }

    /**
     * This encoder's weights with a fresh LoRA adapter {@code default} (A from {@code seed}, B zero as PEFT
     * initialises it) on the projections {@code config} targets ({@code query}, {@code value} ...).
     */
    @Override
    public BertEncoder withLora(LoraConfig config, long seed) {
        return new BertEncoder(model, LoraModel.create(new AdapterBase.Bert(model, PREFIX), LoraClassifiers.ADAPTER,
                config, seed));
    }

    @Override
    public LoraModel lora() {
        return lora;
    }

    /** The BERT model over this encoder's weights. */
    public BertModel model() {
        return model;
    }

    @Override
    public Tensor pooled(int[] ids, int batch, int time, int[] mask) {
        int[][] rows = Pooling.rows(ids, batch, time);
        int[][] maskRows = Pooling.rows(mask, batch, time);
        Tensor hidden = lora == null ? model.forward(rows, maskRows, null) : lora.encode(rows, maskRows, null);
        return Pooling.MEAN.pool(hidden, mask);
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
