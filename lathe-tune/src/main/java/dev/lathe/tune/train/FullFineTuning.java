package dev.lathe.tune.train;

import dev.lathe.engine.tensor.DType;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.family.DecoderModel;
import dev.lathe.models.family.DecoderWeights;
import dev.lathe.models.format.safetensors.SafetensorsFile;
import dev.lathe.models.format.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Full fine-tuning as a {@link TrainableModel}: a {@link DecoderModel} rebuilt over writable F32 heap
 * copies of every weight (the loaded model is usually memory-mapped read-only), named as Hugging Face's
 * Llama checkpoints name them. Parameters matching a freeze pattern keep no gradient. Checkpoints hold
 * every parameter in {@code model.safetensors}. A tied output head is one tensor under one name.
 */
public final class FullFineTuning implements TrainableModel {
    static final String WEIGHTS_FILE = "model.safetensors";
    private final DecoderModel model;
    private final Map<String, Tensor> all;       // every parameter, by HF name
    private final Map<String, Tensor> trainable; // those not frozen

    private FullFineTuning(DecoderModel model, Map<String, Tensor> all, Map<String, Tensor> trainable) {
        this.model = model;
        this.all = Collections.unmodifiableMap(all);
        this.trainable = Collections.unmodifiableMap(trainable);
    }

    static FullFineTuning of(DecoderModel base, List<String> freeze) {
        return of(base, freeze, false);
    }

    /**
     * As {@link #of(DecoderModel, List)}; with {@code biasesOnly} only parameters named {@code *.bias} train
     * (BitFit), which for Llama-style models without biases is an error naming the reason.
     */
    static FullFineTuning of(DecoderModel base, List<String> freeze, boolean biasesOnly) {
        List<Pattern> patterns = freeze.stream().map(Pattern::compile).toList();
        Map<String, Tensor> all = new LinkedHashMap<>();
        Map<Tensor, Tensor> copies = new IdentityHashMap<>(); // keeps tied tensors tied
        DecoderWeights w = base.weights();
        Tensor embed = copy(copies, all, "model.embed_tokens.weight", w.embed());
        Tensor positions = w.positions() == null ? null
                : copy(copies, all, "model.embed_positions.weight", w.positions());
        List<DecoderWeights.Layer> layers = new ArrayList<>();
        for (int i = 0; i < w.layers().size(); i++) {
            DecoderWeights.Layer l = w.layers().get(i);
            String p = "model.layers." + i + ".";
            layers.add(new DecoderWeights.Layer(norm(copies, all, p + "input_layernorm", l.attnNorm()),
                    linear(copies, all, p + "self_attn.q_proj", l.q()), linear(copies, all, p + "self_attn.k_proj", l.k()),
                    linear(copies, all, p + "self_attn.v_proj", l.v()), linear(copies, all, p + "self_attn.o_proj", l.o()),
                    norm(copies, all, p + "post_attention_layernorm", l.mlpNorm()),
                    l.gate() == null ? null : linear(copies, all, p + "mlp.gate_proj", l.gate()),
                    linear(copies, all, p + "mlp.up_proj", l.up()), linear(copies, all, p + "mlp.down_proj", l.down())));
        }
        DecoderWeights.Norm fin = norm(copies, all, "model.norm", w.finalNorm());
        Tensor head = copy(copies, all, "lm_head.weight", w.lmHead());
        Map<String, Tensor> trainable = new LinkedHashMap<>();
        all.forEach((name, t) -> {
            if (patterns.stream().noneMatch(pt -> pt.matcher(name).find()) && (!biasesOnly || name.endsWith(".bias"))) {
                t.requiresGrad(true);
                trainable.put(name, t);
            }
        });
        if (trainable.isEmpty() && biasesOnly) {
            throw new IllegalArgumentException("BitFit trains only biases, and this " + base.config().modelType()
                    + " model has no trainable bias (Llama-style projections have none; Qwen2 has q/k/v biases)");
        }
        if (trainable.isEmpty()) {
            throw new IllegalArgumentException("the freeze patterns " + freeze + " freeze every parameter");
        }
        DecoderModel m = new DecoderModel(base.architecture(), new DecoderWeights(embed, positions, layers, fin, head));
        return new FullFineTuning(m, all, trainable);
    }

    private static Tensor copy(Map<Tensor, Tensor> copies, Map<String, Tensor> all, String name, Tensor t) {
        if (t == null) {
            return null;
        }
        Tensor c = copies.get(t);
        if (c == null) {
            c = Tensor.of(t.toFloatArray(), t.shape());
            copies.put(t, c);
            all.put(name, c);
        }
        return c;
    }

    private static DecoderWeights.Norm norm(Map<Tensor, Tensor> copies, Map<String, Tensor> all, String name,
            DecoderWeights.Norm n) {
        return new DecoderWeights.Norm(copy(copies, all, name + ".weight", n.weight()),
                copy(copies, all, name + ".bias", n.bias()));
    }

    private static DecoderWeights.Linear linear(Map<Tensor, Tensor> copies, Map<String, Tensor> all, String name,
            DecoderWeights.Linear l) {
        if (l.conv1d() != null) {
            throw new IllegalArgumentException("full fine-tuning of " + name + ": Conv1D (GPT-2) layers are not"
                    + " supported yet; train a LoRA adapter instead");
        }
        return new DecoderWeights.Linear(copy(copies, all, name + ".weight", l.weight()),
                copy(copies, all, name + ".bias", l.bias()));
    }

    /** The decoder over the trained weights. */
    public DecoderModel model() {
        return model;
    }

    /** Every parameter (trained or frozen) by Hugging Face name. */
    public Map<String, Tensor> parameters() {
        return all;
    }

    @Override
    public Tensor logits(int[] ids, int batch, int time, Tensor attentionMask) {
        return model.logits(ids, batch, time, attentionMask);
    }

    @Override
    public Map<String, Tensor> trainableParameters() {
        return trainable;
    }

    @Override
    public void train(boolean on) {
        // no dropout in the decoder
    }

    @Override
    public void reseedDropout(long seed) {
        // no dropout in the decoder
    }

    @Override
    public void save(Path dir) throws IOException {
        SafetensorsWriter.write(dir.resolve(WEIGHTS_FILE), all, Map.of("format", "pt"));
    }

    @Override
    public void load(Path dir) throws IOException {
        Path file = dir.resolve(WEIGHTS_FILE);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (Map.Entry<String, Tensor> e : trainable.entrySet()) {
                if (!f.names().contains(e.getKey())) {
                    throw new IllegalArgumentException(file + ": no tensor " + e.getKey());
                }
                copyInto(file, e.getKey(), f.tensor(e.getKey()), e.getValue());
            }
        }
    }

    /** Copies stored tensor {@code src} (named {@code name} in {@code file}, for errors) into contiguous F32 {@code dst}, checking the shape. */
    public static void copyInto(Path file, String name, Tensor src, Tensor dst) {
        if (!Arrays.equals(src.shape(), dst.shape())) {
            throw new IllegalArgumentException(file + ": tensor " + name + " has shape " + Arrays.toString(src.shape())
                    + ", expected " + Arrays.toString(dst.shape()));
        }
        float[] v = src.toFloatArray();
        if (dst.dtype() != DType.F32 || !dst.isContiguous()) {
            throw new IllegalStateException("parameter " + name + " is not a contiguous F32 tensor");
        }
        MemorySegment.copy(v, 0, dst.data(), ValueLayout.JAVA_FLOAT_UNALIGNED, 0, v.length);
    }
}
