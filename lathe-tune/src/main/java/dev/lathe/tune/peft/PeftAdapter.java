package dev.lathe.tune.peft;

import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.family.LinearHook;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * One PEFT adapter on one base model, whatever the method (IA3, prompt tuning, prefix tuning): the hook the
 * base model's forward runs with, the tensors that train, and PEFT's saved form. Run the base with
 * {@link #hook()}: {@code decoder.logits(ids, b, t, mask, adapter.hook())} or
 * {@code bert.forward(ids, mask, types, adapter.hook())}; the outputs then start with
 * {@link #virtualPositions()} positions of virtual tokens before the real ones.
 */
public interface PeftAdapter {
    AdapterBase base();

    AdapterConfig config();

    /** The hook for the base model's forward: the adapter, or the plain model while disabled. */
    LinearHook hook();

    /** The number of positions the adapter puts before the real tokens in the outputs (prompt tuning's P). */
    int virtualPositions();

    /** The trainable tensors under PEFT's in-memory names (with the adapter name "default"). */
    Map<String, Tensor> trainableParameters();

    /** The tensors under the names PEFT saves in {@code adapter_model.safetensors}. */
    Map<String, Tensor> adapterStateDict();

    /** Makes {@link #hook()} compute exactly the base model (PEFT's {@code disable_adapter}). */
    void disableAdapters();

    void enableAdapters();

    /** Writes PEFT's adapter folder ({@code adapter_config.json}, {@code adapter_model.safetensors}) into {@code dir}. */
    void save(Path dir) throws IOException;

    /** An adapter that can be folded into the base weights (IA3): the forward result stays the same. */
    interface Mergeable {
        void merge();

        void unmerge();
    }
}
