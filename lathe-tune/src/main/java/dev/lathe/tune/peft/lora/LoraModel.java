package dev.lathe.tune.peft.lora;

import dev.lathe.engine.op.Arithmetic;
import dev.lathe.engine.op.Views;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.family.DecoderModel;
import dev.lathe.models.family.DecoderWeights;
import dev.lathe.models.family.LinearHook;
import dev.lathe.models.family.bert.BertModel;
import dev.lathe.tune.peft.AdapterBase;
import dev.lathe.tune.peft.DecoderModules;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * A {@link DecoderModel} (or a BERT encoder) with LoRA adapters on chosen projections, as PEFT's {@code LoraModel}: several
 * named adapters may sit on one base, one or more of them active; adapters can be disabled (the base
 * output exactly), merged into the base weights and unmerged. The base model is not modified unless
 * its weights are writable F32 tensors and an adapter is merged; its parameters never require
 * gradients here, so autograd reaches only the adapters' A and B.
 *
 * <p>The adapters enter through {@link DecoderModel#logits(int[], int, int, Tensor, LinearHook)} (or, on a
 * BERT encoder, {@link BertModel#forward(int[][], int[][], int[][], LinearHook)} via {@link #encode}): this
 * class is the hook. GPT-2's fused {@code c_attn} carries one adapter over all 3C columns, as in PEFT;
 * its q, k and v projections take their column slices of one shared adapter output.
 */
public final class LoraModel implements LinearHook {
    private final AdapterBase adapterBase;
    private final DecoderModel base; // null on a BERT encoder
    private final List<DecoderModules.Module> modules;
    private final Map<String, LoraLinear> wrapped = new LinkedHashMap<>();   // module path -> wrapper
    private final Map<Integer, LoraLinear> byProjection = new HashMap<>();   // layer * 8 + projection
    private final Map<String, LoraConfig> configs = new LinkedHashMap<>();
    private final Map<LoraLinear, Tensor[]> fused = new IdentityHashMap<>(); // input and delta of one forward
    private SplittableRandom random;      // one seed per training forward; reseed restarts it
    private long forwardSeed;             // dropout seed of the forward in progress
    private List<String> active = List.of();
    private List<String> merged = List.of();
    private boolean enabled = true;
    private boolean training;

    /**
     * An adapter-less wrapper; {@code seed} drives dropout masks until {@link #reseed(long)} is called.
     * Each training forward takes the next seed of a stream started from {@code seed}, and each module and
     * adapter derives its mask from that forward seed, so the masks are a pure function of the seed, the
     * number of training forwards since it was set and the module: nothing else need be saved to replay them.
     */
    public LoraModel(DecoderModel base, long seed) {
        this(new AdapterBase.Decoder(base), seed);
    }

    /**
     * An adapter-less wrapper of a decoder or a BERT encoder (module names as {@link AdapterBase} gives them,
     * e.g. {@code encoder.layer.0.attention.self.query}); on BERT run {@link #encode}.
     */
    public LoraModel(AdapterBase base, long seed) {
        this.adapterBase = base;
        this.base = base instanceof AdapterBase.Decoder d ? d.model() : null;
        this.modules = base.modules();
        this.random = new SplittableRandom(seed);
    }

    /** {@code base} (a decoder or BERT encoder) with one freshly initialised adapter {@code name}, active. */
    public static LoraModel create(AdapterBase base, String name, LoraConfig config, long seed) {
        LoraModel m = new LoraModel(base, seed);
        m.addAdapter(name, config, seed);
        return m;
    }

    /** {@code base} with one freshly initialised adapter {@code name}, active. */
    public static LoraModel create(DecoderModel base, String name, LoraConfig config, long seed) {
        LoraModel m = new LoraModel(base, seed);
        m.addAdapter(name, config, seed);
        return m;
    }

    /** The decoder under the adapters; an error on a BERT encoder (see {@link #adapterBase()}). */
    public DecoderModel base() {
        return requireDecoder("base()");
    }

    /** The model under the adapters, decoder or encoder. */
    public AdapterBase adapterBase() {
        return adapterBase;
    }

    private DecoderModel requireDecoder(String what) {
        if (base == null) {
            throw new IllegalStateException(what + " needs a decoder; this LoRA model sits on a BERT encoder (use"
                    + " encode, or bert.forward(ids, mask, types, lora))");
        }
        return base;
    }

    // ---------------------------------------------------------------- adapters

    /**
     * Adds adapter {@code name} on every module {@code config} targets, initialised as PEFT does: A
     * kaiming-uniform (bound 1/sqrt(in)), B zero (or kaiming-uniform with {@code init_lora_weights} false).
     * The first adapter becomes active.
     */
    public void addAdapter(String name, LoraConfig config, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, Tensor[]> weights = new LinkedHashMap<>();
        for (DecoderModules.Module m : targets(name, config)) {
            int r = config.r();
            Tensor a = uniform(rng, 1 / Math.sqrt(m.inFeatures()), r, m.inFeatures());
            Tensor b = config.initLoraWeights() ? Tensor.zeros(m.outFeatures(), r)
                    : uniform(rng, 1 / Math.sqrt(r), m.outFeatures(), r);
            weights.put(m.path(), new Tensor[] {a, b});
        }
        put(name, config, weights);
    }

    /** The modules {@code config} targets in this model; an error when there are none or fan_in_fan_out is wrong. */
    List<DecoderModules.Module> targets(String name, LoraConfig config) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("adapter name must be non-empty without '.', got '" + name + "'");
        }
        if (configs.containsKey(name)) {
            throw new IllegalArgumentException("adapter '" + name + "' already exists");
        }
        List<DecoderModules.Module> out = new ArrayList<>();
        for (DecoderModules.Module m : modules) {
            if (config.targetModules().matches(m.path())) {
                if (m.conv1d() != config.fanInFanOut()) {
                    throw new IllegalArgumentException("adapter '" + name + "': module " + m.path() + " is "
                            + (m.conv1d() ? "a Conv1D stored (in, out); set fan_in_fan_out true"
                                    : "an nn.Linear; set fan_in_fan_out false"));
                }
                out.add(m);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("adapter '" + name + "': target_modules " + config.targetModules()
                    + " match no module of the model (e.g. " + modules.get(0).path() + ")");
        }
        return out;
    }

    /** Installs adapter {@code name} with the given (A, B) per module path (already validated by the caller). */
    void put(String name, LoraConfig config, Map<String, Tensor[]> weights) {
        List<DecoderModules.Module> targets = targets(name, config);
        for (DecoderModules.Module m : targets) {
            Tensor[] ab = weights.get(m.path());
            LoraLinear l = wrapped.computeIfAbsent(m.path(), p -> newWrapper(m));
            l.put(name, new LoraLinear.Adapter(config, ab[0].requiresGrad(true), ab[1].requiresGrad(true)));
        }
        configs.put(name, config);
        if (active.isEmpty()) {
            active = List.of(name);
        }
    }

    private LoraLinear newWrapper(DecoderModules.Module m) {
        Map<Projection, DecoderWeights.Linear> linears = new EnumMap<>(Projection.class);
        for (Projection p : m.projections()) {
            linears.put(p, adapterBase.linear(m.layer(), p));
        }
        LoraLinear l = new LoraLinear(m, linears);
        for (Projection p : m.projections()) {
            byProjection.put(m.layer() * 8 + p.ordinal(), l);
        }
        return l;
    }

    private static Tensor uniform(SplittableRandom rng, double bound, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
        return Tensor.of(v, rows, cols);
    }

    public Set<String> adapterNames() {
        return java.util.Collections.unmodifiableSet(configs.keySet());
    }

    public LoraConfig config(String name) {
        return requireAdapter(name);
    }

    /** The wrapped modules carrying adapter {@code name}, by module path. */
    public Map<String, LoraLinear> modules(String name) {
        requireAdapter(name);
        Map<String, LoraLinear> out = new LinkedHashMap<>();
        wrapped.forEach((p, l) -> {
            if (l.adapters().containsKey(name)) {
                out.put(p, l);
            }
        });
        return out;
    }

    /** Makes exactly {@code names} active (their outputs add up), as PEFT's {@code set_adapter}. */
    public void setActiveAdapters(String... names) {
        if (names.length == 0) {
            throw new IllegalArgumentException("at least one adapter must be active; disable adapters instead");
        }
        for (String n : names) {
            requireAdapter(n);
        }
        if (!merged.isEmpty()) {
            unmerge();
        }
        active = List.of(names);
    }

    public List<String> activeAdapters() {
        return active;
    }

    /** Turns the adapters back on after {@link #disableAdapters()}. */
    public void enableAdapters() {
        enabled = true;
    }

    /** Makes the model compute exactly the base model; merged adapters are unmerged first (as PEFT does). */
    public void disableAdapters() {
        unmerge();
        enabled = false;
    }

    public boolean adaptersEnabled() {
        return enabled;
    }

    /** Training mode applies {@code lora_dropout}; evaluation mode (the default) does not. */
    public void train(boolean on) {
        training = on;
    }

    /**
     * Restarts the dropout stream from {@code seed}: the next training forward draws exactly the masks any
     * other model with these adapters draws after {@code reseed(seed)}. A trainer calls this before each
     * forward with a seed derived from its own seed and the micro-batch index, so a resumed run replays the
     * masks of an uninterrupted one without checkpointing generator state.
     */
    public void reseed(long seed) {
        random = new SplittableRandom(seed);
    }

    /** SplitMix64's finaliser over {@code a} and {@code b}: a well-mixed seed derived from two numbers. */
    static long mix(long a, long b) {
        long z = a + 0x9E3779B97F4A7C15L * (b + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    // ---------------------------------------------------------------- parameters

    /**
     * The trainable tensors of the active adapters under PEFT's in-memory names
     * ({@code base_model.model.<module>.lora_A.<adapter>.weight}), ready for an optimizer.
     */
    public Map<String, Tensor> trainableParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String n : active) {
            wrapped.forEach((p, l) -> {
                LoraLinear.Adapter ad = l.adapters().get(n);
                if (ad != null) {
                    out.put("base_model.model." + p + ".lora_A." + n + ".weight", ad.a());
                    out.put("base_model.model." + p + ".lora_B." + n + ".weight", ad.b());
                }
            });
        }
        return out;
    }

    /** Adapter {@code name}'s tensors under the names PEFT saves (no adapter name): {@code ...lora_A.weight}. */
    public Map<String, Tensor> adapterStateDict(String name) {
        requireAdapter(name);
        Map<String, Tensor> out = new LinkedHashMap<>();
        wrapped.forEach((p, l) -> {
            LoraLinear.Adapter ad = l.adapters().get(name);
            if (ad != null) {
                out.put("base_model.model." + p + ".lora_A.weight", ad.a());
                out.put("base_model.model." + p + ".lora_B.weight", ad.b());
            }
        });
        return out;
    }

    // ---------------------------------------------------------------- merging

    /** Merges the active adapters into the base weights (see {@link LoraLinear}); forward results are unchanged. */
    public void merge() {
        for (String n : active) {
            if (!merged.contains(n)) {
                for (LoraLinear l : modules(n).values()) {
                    l.merge(n);
                }
            }
        }
        List<String> m = new ArrayList<>(merged);
        active.stream().filter(n -> !m.contains(n)).forEach(m::add);
        merged = List.copyOf(m);
    }

    /** Undoes {@link #merge()}: the base weights are restored (exactly when they had to be copied). */
    public void unmerge() {
        for (int i = merged.size() - 1; i >= 0; i--) {
            String n = merged.get(i);
            for (LoraLinear l : modules(n).values()) {
                l.unmerge(n);
            }
        }
        merged = List.of();
    }

    public List<String> mergedAdapters() {
        return merged;
    }

    /**
     * The weights of the modules carrying an active adapter with the active adapters merged in, under their
     * Hugging Face names ({@code <module>.weight}, in the checkpoint's layout: Conv1D stored (in, out)): with the
     * base's untouched tensors, an ordinary checkpoint of the merged model (PEFT's {@code merge_and_unload};
     * {@link dev.lathe.tune.peft.MergedCheckpoints} writes one). When nothing is merged yet the active adapters
     * are merged for the call and unmerged after it, and the returned tensors are copies.
     */
    public Map<String, Tensor> mergedTensors() {
        boolean wasMerged = !merged.isEmpty();
        merge();
        Map<String, Tensor> out = new LinkedHashMap<>();
        wrapped.forEach((p, l) -> {
            if (!l.merged().isEmpty()) {
                Tensor w = l.storedWeight();
                out.put(p + ".weight", wasMerged ? w : w.copyContiguous());
            }
        });
        if (!wasMerged) {
            unmerge();
        }
        return out;
    }

    /**
     * A plain {@link DecoderModel} over the base weights with the merged adapters in them (PEFT's
     * {@code merge_and_unload} after {@link #merge()}), for the KV-cache inference path.
     */
    public DecoderModel mergedModel() {
        DecoderModel base = requireDecoder("mergedModel()");
        List<DecoderWeights.Layer> layers = new ArrayList<>();
        List<DecoderWeights.Layer> old = base.weights().layers();
        for (int i = 0; i < old.size(); i++) {
            DecoderWeights.Layer l = old.get(i);
            layers.add(new DecoderWeights.Layer(l.attnNorm(), eff(i, Projection.Q, l.q()), eff(i, Projection.K, l.k()),
                    eff(i, Projection.V, l.v()), eff(i, Projection.O, l.o()), l.mlpNorm(),
                    l.gate() == null ? null : eff(i, Projection.GATE, l.gate()), eff(i, Projection.UP, l.up()),
                    eff(i, Projection.DOWN, l.down())));
        }
        DecoderWeights w = base.weights();
        return new DecoderModel(base.architecture(),
                new DecoderWeights(w.embed(), w.positions(), layers, w.finalNorm(), w.lmHead()));
    }

    private DecoderWeights.Linear eff(int layer, Projection p, DecoderWeights.Linear linear) {
        LoraLinear l = byProjection.get(layer * 8 + p.ordinal());
        return l == null ? linear : l.base(p);
    }

    // ---------------------------------------------------------------- forward

    /** Logits (B, T, V) with the adapters applied; see {@link DecoderModel#logits(int[], int, int, Tensor)}. */
    public Tensor logits(int[] ids, int batch, int time, Tensor attentionMask) {
        DecoderModel decoder = requireDecoder("logits");
        return run(() -> decoder.logits(ids, batch, time, attentionMask, this));
    }

    /**
     * The final hidden states (B, T, C) of the decoder with the adapters applied, before the language-model
     * head (what a sequence-classification head pools); see {@link DecoderModel#hiddenStates}.
     */
    public Tensor hiddenStates(int[] ids, int batch, int time, Tensor attentionMask) {
        DecoderModel decoder = requireDecoder("hiddenStates");
        return run(() -> decoder.hiddenStates(ids, batch, time, attentionMask, this));
    }

    /**
     * The last hidden state (B, T, C) of a BERT base with the adapters applied; see
     * {@link BertModel#forward(int[][], int[][], int[][], LinearHook)}.
     */
    public Tensor encode(int[][] ids, int[][] attentionMask, int[][] tokenTypeIds) {
        if (!(adapterBase instanceof AdapterBase.Bert bert)) {
            throw new IllegalStateException("encode needs a BERT base; this LoRA model sits on a decoder (use logits)");
        }
        return run(() -> bert.model().forward(ids, attentionMask, tokenTypeIds, this));
    }

    private Tensor run(Supplier<Tensor> forward) {
        fused.clear();
        if (training) {
            forwardSeed = random.nextLong(); // one draw per training forward, whatever the modules
        }
        try {
            return forward.get();
        } finally {
            fused.clear(); // drop the references to this forward's activations
        }
    }

    /** Logits (B, T, V) for equal-length rows of token ids. */
    public Tensor logits(int[][] ids) {
        int t = ids.length == 0 ? 0 : ids[0].length;
        int[] flat = new int[ids.length * t];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i].length != t) {
                throw new IllegalArgumentException("row " + i + " has " + ids[i].length + " ids but row 0 has " + t);
            }
            System.arraycopy(ids[i], 0, flat, i * t, t);
        }
        return logits(flat, ids.length, t, null);
    }

    @Override
    public Tensor apply(int layer, Projection projection, Tensor x, DecoderWeights.Linear linear) {
        LoraLinear l = byProjection.get(layer * 8 + projection.ordinal());
        if (l == null) {
            return LinearHook.plain(x, linear);
        }
        Tensor y = LinearHook.plain(x, l.base(projection));
        if (!enabled) {
            return y;
        }
        List<String> names = new ArrayList<>();
        for (String n : active) {
            if (l.adapters().containsKey(n) && !merged.contains(n)) {
                names.add(n);
            }
        }
        if (names.isEmpty()) {
            return y;
        }
        long seed = mix(forwardSeed, l.module().layer() * 8L + l.module().projections().get(0).ordinal());
        if (l.module().projections().size() == 1) {
            return Arithmetic.add(y, l.delta(x, names, training, seed));
        }
        // Fused module (GPT-2 c_attn): one adapter output over all columns, sliced per projection.
        Tensor[] cached = fused.get(l);
        if (cached == null || cached[0] != x) {
            cached = new Tensor[] {x, l.delta(x, names, training, seed)};
            fused.put(l, cached);
        }
        DecoderWeights.Conv1dColumns cols = linear.conv1d();
        return Arithmetic.add(y, Views.slice(cached[1], cached[1].rank() - 1, cols.start(), cols.end()));
    }

    private LoraConfig requireAdapter(String name) {
        LoraConfig c = configs.get(name);
        if (c == null) {
            throw new IllegalArgumentException("no adapter '" + name + "'; adapters: " + configs.keySet());
        }
        return c;
    }

    @Override
    public String toString() {
        return "LoraModel" + Arrays.asList(configs.keySet().toArray()) + " active " + active + " merged " + merged;
    }
}
