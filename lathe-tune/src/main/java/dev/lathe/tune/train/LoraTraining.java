package dev.lathe.tune.train;

import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.format.safetensors.SafetensorsFile;
import dev.lathe.tune.peft.AdapterConfigs;
import dev.lathe.tune.peft.lora.LoraAdapters;
import dev.lathe.tune.peft.lora.LoraModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A LoRA adapter as a {@link TrainableModel}: its A and B matrices train, the base model stays frozen;
 * checkpoints hold the adapter as a PEFT folder ({@code adapter/}) written by {@link LoraAdapters#save}.
 */
public final class LoraTraining implements TrainableModel {
    static final String ADAPTER_DIR = "adapter";
    private final LoraModel lora;
    private final String adapter;

    LoraTraining(LoraModel lora, String adapter) {
        if (!lora.activeAdapters().contains(adapter)) {
            throw new IllegalArgumentException("adapter '" + adapter + "' is not active; active adapters: "
                    + lora.activeAdapters());
        }
        this.lora = lora;
        this.adapter = adapter;
    }

    public LoraModel model() {
        return lora;
    }

    @Override
    public Tensor logits(int[] ids, int batch, int time, Tensor attentionMask) {
        return lora.logits(ids, batch, time, attentionMask);
    }

    @Override
    public Map<String, Tensor> trainableParameters() {
        return lora.trainableParameters();
    }

    @Override
    public void train(boolean on) {
        lora.train(on);
    }

    @Override
    public void reseedDropout(long seed) {
        lora.reseed(seed);
    }

    @Override
    public void save(Path dir) throws IOException {
        LoraAdapters.save(lora, adapter, dir.resolve(ADAPTER_DIR));
    }

    @Override
    public void load(Path dir) throws IOException {
        Path file = dir.resolve(ADAPTER_DIR).resolve(AdapterConfigs.WEIGHTS_FILE);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (Map.Entry<String, Tensor> e : lora.adapterStateDict(adapter).entrySet()) {
                if (!f.names().contains(e.getKey())) {
                    throw new IllegalArgumentException(file + ": no tensor " + e.getKey());
                }
                FullFineTuning.copyInto(file, e.getKey(), f.tensor(e.getKey()), e.getValue());
            }
        }
    }
}
