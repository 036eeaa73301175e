package dev.lathe.tune.train;

import dev.lathe.engine.op.Views;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.family.DecoderModel;
import dev.lathe.models.format.safetensors.SafetensorsFile;
import dev.lathe.tune.peft.AdapterBase;
import dev.lathe.tune.peft.AdapterConfigs;
import dev.lathe.tune.peft.PeftAdapter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A PEFT adapter other than LoRA (IA3, prompt tuning, prefix tuning) on a decoder as a {@link TrainableModel}:
 * its tensors train, the base stays frozen. The logits are those of the real tokens only: prompt tuning's
 * virtual positions are cut off, so the {@link Trainer} scores (B, T, V) against its targets as for any
 * model (PEFT gets the same loss by labelling the virtual positions -100). None of these methods uses
 * dropout. Checkpoints hold the adapter as a PEFT folder ({@code adapter/}).
 */
public final class PeftTraining implements TrainableModel {
    private final PeftAdapter adapter;
    private final DecoderModel decoder;

    PeftTraining(PeftAdapter adapter) {
        if (!(adapter.base() instanceof AdapterBase.Decoder d)) {
            throw new IllegalArgumentException("the trainer trains causal language models; this "
                    + adapter.config().peftType() + " adapter sits on " + adapter.base().getClass().getSimpleName()
                    + " (train encoders with a classification task)");
        }
        this.adapter = adapter;
        this.decoder = d.model();
    }

    public PeftAdapter adapter() {
        return adapter;
    }

    @Override
    public Tensor logits(int[] ids, int batch, int time, Tensor attentionMask) {
        Tensor logits = decoder.logits(ids, batch, time, attentionMask, adapter.hook()); // (B, P + T, V)
        int p = adapter.virtualPositions();
        return p == 0 ? logits : Views.slice(logits, 1, p, p + time);                 // (B, T, V)
    }

    @Override
    public Map<String, Tensor> trainableParameters() {
        return adapter.trainableParameters();
    }

    @Override
    public void train(boolean on) {
        // no dropout in IA3 or in prompt and prefix tuning without projection
    }

    @Override
    public void reseedDropout(long seed) {
        // nothing random in the forward
    }

    @Override
    public void save(Path dir) throws IOException {
        adapter.save(dir.resolve(LoraTraining.ADAPTER_DIR));
    }

    @Override
    public void load(Path dir) throws IOException {
        Path file = dir.resolve(LoraTraining.ADAPTER_DIR).resolve(AdapterConfigs.WEIGHTS_FILE);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (Map.Entry<String, Tensor> e : adapter.adapterStateDict().entrySet()) {
                if (!f.names().contains(e.getKey())) {
                    throw new IllegalArgumentException(file + ": no tensor " + e.getKey());
                }
                FullFineTuning.copyInto(file, e.getKey(), f.tensor(e.getKey()), e.getValue());
            }
        }
    }
}
