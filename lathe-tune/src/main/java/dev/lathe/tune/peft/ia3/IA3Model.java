package dev.lathe.tune.peft.ia3;

import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.family.DecoderWeights;
import dev.lathe.models.family.LinearHook;
import dev.lathe.tune.peft.AdapterBase;
import dev.lathe.tune.peft.DecoderModules;
import dev.lathe.tune.peft.PeftAdapter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A decoder or BERT encoder with one (IA)³ adapter, as PEFT's {@code IA3Model}: a learned vector on every
 * module the config targets (see {@link IA3Layer}). It is the {@link LinearHook} the base model's forward
 * calls ({@code DecoderModel.logits(ids, b, t, mask, ia3)}, {@code BertModel.forward(ids, mask, types,
 * ia3)}); the base weights never require gradients, so only the vectors get them. The adapter can be
 * disabled (the base output exactly) and merged into copies of the weights.
 */
public final class IA3Model implements LinearHook, PeftAdapter, PeftAdapter.Mergeable {
    /** PEFT's default adapter name, used in in-memory parameter names. */
    public static final String ADAPTER = "default";
    private final AdapterBase base;
    private final IA3Config config;
    private final Map<String, IA3Layer> layers = new LinkedHashMap<>();   // module path -> layer
    private final Map<Integer, IA3Layer> byProjection = new HashMap<>();  // layer * 8 + projection
    private boolean enabled = true;

    /**
     * {@code base} with vectors on the modules {@code config} targets: ones (PEFT's init), or with
     * {@code init_ia3_weights} false standard-normal values drawn from {@code seed} (PEFT's torch.randn).
     */
    public IA3Model(AdapterBase base, IA3Config config, long seed) {
        this.base = base;
        this.config = config;
        SplittableRandom rng = new SplittableRandom(seed);
        for (DecoderModules.Module m : targets(base, config)) {
            boolean ff = config.isFeedforward(m.path());
            int n = ff ? m.inFeatures() : m.outFeatures();
            float[] values = config.initIa3Weights() ? Tensor.full(1f, n).toFloatArray()
                    : Tensor.randn(rng, n).toFloatArray();
            Tensor v = ff ? Tensor.of(values, 1, n) : Tensor.of(values, n, 1);
            Map<LinearHook.Projection, DecoderWeights.Linear> linears = new EnumMap<>(LinearHook.Projection.class);
            for (LinearHook.Projection p : m.projections()) {
                linears.put(p, base.linear(m.layer(), p));
            }
            IA3Layer layer = new IA3Layer(m, ff, v.requiresGrad(true), linears);
            layers.put(m.path(), layer);
            for (LinearHook.Projection p : m.projections()) {
                byProjection.put(m.layer() * 8 + p.ordinal(), layer);
            }
        }
    }

    /** The modules of {@code base} that {@code config} targets; an error when none or fan_in_fan_out is wrong. */
    static List<DecoderModules.Module> targets(AdapterBase base, IA3Config config) {
        List<DecoderModules.Module> all = base.modules();
        List<DecoderModules.Module> out = new ArrayList<>();
        for (DecoderModules.Module m : all) {
            if (config.targetModules().matches(m.path())) {
                if (m.conv1d() != config.fanInFanOut()) {
                    throw new IllegalArgumentException("IA3: module " + m.path() + " is " + (m.conv1d()
                            ? "a Conv1D stored (in, out); set fan_in_fan_out true" : "an nn.Linear; set fan_in_fan_out false"));
                }
                out.add(m);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("IA3: target_modules " + config.targetModules()
                    + " match no module of the model (e.g. " + all.get(0).path() + ")");
        }
        return out;
    }

    @Override
    public LinearHook hook() {
        return this; // apply() computes the plain projection while disabled
    }

    @Override
    public int virtualPositions() {
        return 0;
    }

    @Override
    public void save(Path dir) throws IOException {
        IA3Adapters.save(this, dir);
    }

    @Override
    public AdapterBase base() {
        return base;
    }

    @Override
    public IA3Config config() {
        return config;
    }

    /** The wrapped modules by path. */
    public Map<String, IA3Layer> layers() {
        return Collections.unmodifiableMap(layers);
    }

    /** The vectors under PEFT's in-memory names ({@code base_model.model.<module>.ia3_l.default}). */
    @Override
    public Map<String, Tensor> trainableParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        layers.forEach((p, l) -> out.put("base_model.model." + p + ".ia3_l." + ADAPTER, l.vector()));
        return out;
    }

    /** The vectors under the names PEFT saves ({@code base_model.model.<module>.ia3_l}). */
    @Override
    public Map<String, Tensor> adapterStateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        layers.forEach((p, l) -> out.put("base_model.model." + p + ".ia3_l", l.vector()));
        return out;
    }

    /** Folds the vectors into copies of the target weights (PEFT's {@code merge_adapter}). */
    @Override
    public void merge() {
        layers.values().forEach(IA3Layer::merge);
    }

    /** Drops the merged copies: the forward uses the base weights and the vectors again. */
    @Override
    public void unmerge() {
        layers.values().forEach(IA3Layer::unmerge);
    }

    public boolean merged() {
        return layers.values().iterator().next().merged();
    }

    /** Makes the forward exactly the base model's (unmerging first, as PEFT does). */
    @Override
    public void disableAdapters() {
        unmerge();
        enabled = false;
    }

    @Override
    public void enableAdapters() {
        enabled = true;
    }

    /**
     * The weights of the targeted modules with the vectors folded in, under their Hugging Face names
     * ({@code <module>.weight}, {@code <module>.bias}): with the untouched tensors of the base model, an
     * ordinary checkpoint of the merged model (PEFT's {@code merge_and_unload}).
     */
    public Map<String, Tensor> mergedTensors() {
        boolean wasMerged = merged();
        merge();
        Map<String, Tensor> out = new LinkedHashMap<>();
        layers.forEach((p, l) -> {
            Tensor[] wb = l.storedWeightAndBias();
            out.put(p + ".weight", wb[0]);
            if (wb[1] != null) {
                out.put(p + ".bias", wb[1]);
            }
        });
        if (!wasMerged) {
            unmerge();
        }
        return out;
    }

    @Override
    public Tensor apply(int layer, Projection projection, Tensor x, DecoderWeights.Linear linear) {
        IA3Layer l = enabled ? byProjection.get(layer * 8 + projection.ordinal()) : null;
        return l == null ? LinearHook.plain(x, linear) : l.apply(projection, x);
    }
}
