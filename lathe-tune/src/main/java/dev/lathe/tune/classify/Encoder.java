package dev.lathe.tune.classify;

import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.config.ModelConfig;
import dev.lathe.tune.peft.lora.LoraConfig;
import dev.lathe.tune.peft.lora.LoraModel;
import java.util.Map;

/**
 * The pretrained part of a {@link SequenceClassifier}: token ids in, one pooled vector per sequence out,
 * over writable F32 copies of the pretrained weights (so any of them can train). Two families exist: BERT
 * encoders with mean pooling and decoders with last-token pooling; each knows the Hugging Face names of
 * its {@code *ForSequenceClassification} checkpoint (the encoder's prefix and the head's name).
 */
public sealed interface Encoder permits BertEncoder, DecoderEncoder {

    /**
     * The pooled representation {@code (B, C)} of {@code ids} (B*T, row-major) with {@code mask} (B*T, 1 on
     * tokens, 0 on padding), recording the graph when gradients are on and a weight requires one.
     */
    Tensor pooled(int[] ids, int batch, int time, int[] mask);

    /** C, the width of the pooled vector. */
    default int hiddenSize() {
        return config().hiddenSize();
    }

    /** Every encoder weight, by its name in a Hugging Face {@code *ForSequenceClassification} checkpoint. */
    Map<String, Tensor> parameters();

    /** The pretrained model's configuration. */
    ModelConfig config();

    /** How hidden states are pooled. */
    Pooling pooling();

    /** The head's module name as transformers names it: {@code classifier} (BERT) or {@code score} (decoders). */
    String headName();

    /** Whether the head has a bias: BERT's {@code classifier} does, decoders' {@code score} does not. */
    boolean headBias();

    /**
     * This encoder's weights (shared, not copied) with a fresh LoRA adapter {@code default} on the modules
     * {@code config} targets, A initialised from {@code seed} and B zero as PEFT does; {@link #pooled} then
     * runs through the adapter.
     */
    Encoder withLora(LoraConfig config, long seed);

    /** The LoRA adapter on this encoder, or null when it has none. */
    LoraModel lora();

    /** The transformers class a checkpoint of this classifier names in {@code architectures}. */
    String architecture();
}
