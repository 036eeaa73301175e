package dev.lathe.tune.classify;

import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.config.ModelConfig;
import dev.lathe.models.family.DecoderModel;
import dev.lathe.models.family.LinearHook;
import dev.lathe.tune.peft.AdapterBase;
import dev.lathe.tune.peft.lora.LoraConfig;
import dev.lathe.tune.peft.lora.LoraModel;
import dev.lathe.tune.train.FullFineTuning;
import dev.lathe.tune.train.TrainableModel;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A decoder ({@link DecoderModel}: Llama, Qwen2, Mistral …) as an encoder: its final hidden states (after
 * the final norm) at the last non-padding token, as transformers' {@code LlamaForSequenceClassification}
 * pools. The weights are the writable copies {@link FullFineTuning} makes, named {@code model.*}; the
 * language-model head is not part of a classifier and is left out. {@link #withLora} puts a LoRA adapter on
 * its projections (module paths {@code model.layers.<i>.self_attn.q_proj} ..., as PEFT names them inside a
 * {@code LlamaForSequenceClassification}); the forward then runs through it. GPT-2 is not supported: its
 * fused Conv1D weights have no writable copies yet ({@link FullFineTuning} refuses them).
 */
public final class DecoderEncoder implements Encoder {
    private final DecoderModel model;
    private final Map<String, Tensor> parameters;
    private final LoraModel lora; // null without an adapter

    private DecoderEncoder(DecoderModel model, Map<String, Tensor> parameters, LoraModel lora) {
        this.model = model;
        this.parameters = Collections.unmodifiableMap(parameters);
        this.lora = lora;
    }

    /** An encoder over heap F32 copies of {@code base}'s weights ({@code base} is not modified). */
    public static DecoderEncoder of(DecoderModel base) {
        FullFineTuning copy = TrainableModel.fullFineTuning(base, List.of());
        Map<String, Tensor> named = new LinkedHashMap<>();
        copy.parameters().forEach((n, t) -> {
            if (!n.equals("lm_head.weight")) {
                named.put(n, t);
            }
        });
        copy.parameters().values().forEach(t -> t.requiresGrad(false)); // the training mode decides
        return new DecoderEncoder(copy.model(), named, null);
    }

    /**
     * This encoder's weights with a fresh LoRA adapter {@code default} (A from {@code seed}, B zero as PEFT
     * initialises it) on the projections {@code config} targets ({@code q_proj}, {@code v_proj} ...).
     */
    @Override
    public DecoderEncoder withLora(LoraConfig config, long seed) {
        return new DecoderEncoder(model, parameters, LoraModel.create(new AdapterBase.Decoder(model),
                LoraClassifiers.ADAPTER, config, seed));
    }

    @Override
    public LoraModel lora() {
        return lora;
    }

    /** The decoder over this encoder's weights. */
    public DecoderModel model() {
        return model;
    }

    @Override
    public Tensor pooled(int[] ids, int batch, int time, int[] mask) {
        float[] m = new float[mask.length];
        boolean padded = false;
        for (int i = 0; i < m.length; i++) {
            m[i] = mask[i];
            padded |= mask[i] == 0;
        }
        Tensor attention = padded ? Tensor.of(m, batch, time) : null;
        Tensor hidden = lora == null ? model.hiddenStates(ids, batch, time, attention, LinearHook.PLAIN)
                : lora.hiddenStates(ids, batch, time, attention); // (B, T, C)
        return Pooling.LAST_TOKEN.pool(hidden, mask);
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
        return Pooling.LAST_TOKEN;
    }

    @Override
    public String headName() {
        return "score";
    }

    @Override
    public boolean headBias() {
        return false;
    }

    @Override
    public String architecture() {
        return switch (model.config().modelType()) {
            case "qwen2" -> "Qwen2ForSequenceClassification";
            case "mistral" -> "MistralForSequenceClassification";
            default -> "LlamaForSequenceClassification";
        };
    }
}
