package dev.lathe.tune.train;

import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.family.DecoderModel;
import dev.lathe.tune.peft.PeftAdapter;
import dev.lathe.tune.peft.lora.LoraModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a {@link Trainer} trains: a causal LM's logits and the tensors an optimizer updates, with the
 * ability to write and read those tensors in a checkpoint folder. Three kinds exist: all parameters of a
 * decoder ({@link #fullFineTuning}), a LoRA adapter ({@link #lora}) and another PEFT adapter ({@link #peft}:
 * IA3, prompt tuning, prefix tuning).
 */
public sealed interface TrainableModel permits FullFineTuning, LoraTraining, PeftTraining {

    /** Logits (B, T, V) for {@code ids} (B*T) with an optional (B, T) attention mask (0 on padding). */
    Tensor logits(int[] ids, int batch, int time, Tensor attentionMask);

    /** The tensors to train, by name, contiguous F32 requiring gradients. */
    Map<String, Tensor> trainableParameters();

    /** Training mode (dropout on) or evaluation mode. */
    void train(boolean on);

    /**
     * Sets the seed the dropout masks of the next forward derive from; the {@link Trainer} sets it from its
     * seed and the micro-batch index before each training forward, so resumed runs replay the same masks.
     */
    void reseedDropout(long seed);

    /** Writes the trained weights into {@code dir}: a safetensors file, or a PEFT adapter folder. */
    void save(Path dir) throws IOException;

    /** Reads back into the trainable tensors, in place, what {@link #save} wrote into {@code dir}. */
    void load(Path dir) throws IOException;

    /**
     * Full fine-tuning: a copy of {@code base} over writable F32 copies of its weights, every parameter
     * trained except those whose Hugging Face name (e.g. {@code model.layers.0.self_attn.q_proj.weight})
     * contains a match of one of the {@code freeze} regular expressions. {@code base} is not modified.
     */
    static FullFineTuning fullFineTuning(DecoderModel base, List<String> freeze) {
        return FullFineTuning.of(base, freeze);
    }

    /**
     * BitFit (Ben Zaken et al. 2022): full fine-tuning's copy of {@code base} in which only the bias terms
     * train (Qwen2's q/k/v biases, GPT-2-style norms' biases); an error for models without biases.
     */
    static FullFineTuning bitFit(DecoderModel base) {
        return FullFineTuning.of(base, List.of(), true);
    }

    /** Training the active adapter {@code adapter} of {@code lora} (its base stays frozen). */
    static LoraTraining lora(LoraModel lora, String adapter) {
        return new LoraTraining(lora, adapter);
    }

    /** Training {@code adapter} (IA3, prompt or prefix tuning) on its decoder base (which stays frozen). */
    static PeftTraining peft(PeftAdapter adapter) {
        return new PeftTraining(adapter);
    }
}
