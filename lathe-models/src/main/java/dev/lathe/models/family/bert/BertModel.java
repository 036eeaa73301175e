package dev.lathe.models.family.bert;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.op.Activations;
import dev.lathe.engine.op.Arithmetic;
import dev.lathe.engine.op.Attention;
import dev.lathe.engine.op.Concat;
import dev.lathe.engine.op.Embedding;
import dev.lathe.engine.op.Norms;
import dev.lathe.engine.op.Reductions;
import dev.lathe.engine.op.Views;
import dev.lathe.engine.tensor.DType;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.config.Activation;
import dev.lathe.models.config.ModelConfig;
import dev.lathe.models.config.ModelFamily;
import dev.lathe.models.family.DecoderWeights;
import dev.lathe.models.family.KeyValuePrefix;
import dev.lathe.models.family.LinearHook;
import dev.lathe.models.family.LinearHook.Projection;
import dev.lathe.models.family.Prefixes;
import dev.lathe.models.family.VirtualTokens;
import dev.lathe.models.format.Weights;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A BERT encoder with Hugging Face {@code BertModel} semantics (no pooler): word + absolute position
 * + token type embeddings and LayerNorm, then N post-LayerNorm layers of bidirectional self-attention
 * (key padding mask from the attention mask) and a GELU feed-forward block. Built only from engine
 * ops, so the same forward trains (weights that require gradients get them) and, under
 * {@link Autograd#noGrad}, infers without recording anything.
 *
 * <p>Adapters: {@link #forward(int[][], int[][], int[][], LinearHook)} computes the six projections of every
 * layer through a {@link LinearHook} (query, key, value as Q, K, V; attention.output.dense as O;
 * intermediate.dense as UP; output.dense as DOWN; see {@link #linear}), so LoRA and IA3 wrap them, and honours
 * the {@link VirtualTokens} (prompt tuning) and {@link KeyValuePrefix} (prefix tuning) capabilities.
 *
 * <p>{@link #sentenceEmbeddings} is the sentence-transformers pipeline of all-MiniLM-L6-v2: mean
 * pooling of the last hidden state over the attention mask, then L2 normalisation.
 *
 * <p>Padding: masked keys get no attention. A sequence whose mask is all zero has no key to attend
 * to; the engine then outputs zeros for its attention (Hugging Face would attend uniformly), so
 * such rows differ, and they are meaningless in both.
 */
public final class BertModel implements AutoCloseable {
    private final ModelConfig config;
    private final Map<String, Tensor> parameters; // HF names without any "bert." prefix
    private final Tensor wordEmbeddings;          // (V, C)
    private final Tensor positionEmbeddings;      // (maxPositions, C)
    private final Tensor tokenTypeEmbeddings;     // (types, C)
    private final Tensor embeddingNormWeight;     // (C)
    private final Tensor embeddingNormBias;       // (C)
    private final List<Layer> layers;
    private final AutoCloseable owned; // the mapped checkpoint this model reads from, or null

    /**
     * One encoder layer's weights (nn.Linear layout (out, in)); the six projections as {@link LinearHook}
     * sees them: query, key, value (Q, K, V), attention.output.dense (O), intermediate.dense (UP) and
     * output.dense (DOWN).
     */
    private record Layer(DecoderWeights.Linear query, DecoderWeights.Linear key, DecoderWeights.Linear value,
            DecoderWeights.Linear attentionOut, Tensor attentionNormWeight, Tensor attentionNormBias,
            DecoderWeights.Linear intermediate, DecoderWeights.Linear output,
            Tensor outputNormWeight, Tensor outputNormBias) {}

    private BertModel(ModelConfig config, Map<String, Tensor> parameters, List<Layer> layers, AutoCloseable owned) {
        this.config = config;
        this.owned = owned;
        this.parameters = Collections.unmodifiableMap(parameters);
        this.wordEmbeddings = parameters.get("embeddings.word_embeddings.weight");
        this.positionEmbeddings = parameters.get("embeddings.position_embeddings.weight");
        this.tokenTypeEmbeddings = parameters.get("embeddings.token_type_embeddings.weight");
        this.embeddingNormWeight = parameters.get("embeddings.LayerNorm.weight");
        this.embeddingNormBias = parameters.get("embeddings.LayerNorm.bias");
        this.layers = List.copyOf(layers);
    }

    /** Builds the model from tensors by Hugging Face name (with or without a "bert." prefix). */
    public static BertModel load(Map<String, Tensor> weights, ModelConfig config) {
        return load(weights::get, config);
    }

    /**
     * Builds the model from a tensor source: {@code weights.apply(name)} returns the tensor or null
     * when absent. Names are tried as given and with a "bert." prefix. Shapes are checked against the
     * config; 1-D weights are converted to F32, matrices are kept as stored (F32/F16/BF16).
     */
    public static BertModel load(Function<String, Tensor> weights, ModelConfig config) {
        if (config.family() != ModelFamily.BERT) {
            throw new IllegalArgumentException("BertModel needs a bert config, got model_type " + config.modelType());
        }
        if (config.hiddenAct() == Activation.SILU) {
            throw new IllegalArgumentException("BERT config: hidden_act silu is not supported (gelu, gelu_new)");
        }
        Map<String, Tensor> params = new LinkedHashMap<>();
        int c = config.hiddenSize();
        int f = config.intermediateSize();
        take(weights, params, "embeddings.word_embeddings.weight", config.vocabSize(), c);
        take(weights, params, "embeddings.position_embeddings.weight", config.maxPositionEmbeddings(), c);
        take(weights, params, "embeddings.token_type_embeddings.weight", config.typeVocabSize(), c);
        take(weights, params, "embeddings.LayerNorm.weight", c);
        take(weights, params, "embeddings.LayerNorm.bias", c);
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            String p = "encoder.layer." + i + ".";
            layers.add(new Layer(
                    linear(weights, params, p + "attention.self.query", c, c),
                    linear(weights, params, p + "attention.self.key", c, c),
                    linear(weights, params, p + "attention.self.value", c, c),
                    linear(weights, params, p + "attention.output.dense", c, c),
                    take(weights, params, p + "attention.output.LayerNorm.weight", c),
                    take(weights, params, p + "attention.output.LayerNorm.bias", c),
                    linear(weights, params, p + "intermediate.dense", f, c),
                    linear(weights, params, p + "output.dense", c, f),
                    take(weights, params, p + "output.LayerNorm.weight", c),
                    take(weights, params, p + "output.LayerNorm.bias", c)));
        }
        return new BertModel(config, params, layers, null);
    }

    /**
     * Loads a Hugging Face BERT folder ({@code config.json} + {@code model.safetensors} or a sharded
     * index). The weights stay memory-mapped until {@link #close()}.
     */
    public static BertModel load(Path modelDir) throws IOException {
        ModelConfig config = ModelConfig.read(modelDir); // errors name the config.json and the field
        Weights weights = Weights.open(modelDir);
        try {
            BertModel m = load(name -> weights.contains(name) ? weights.tensor(name) : null, config);
            return new BertModel(config, m.parameters, m.layers, weights);
        } catch (RuntimeException e) {
            weights.close();
            throw new IllegalArgumentException(modelDir + ": " + e.getMessage(), e);
        }
    }

    /** Releases the checkpoint files of a model {@linkplain #load(Path) loaded from a folder}. */
    @Override
    public void close() {
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the weights of a BERT model failed", e);
            }
        }
    }

    private static DecoderWeights.Linear linear(Function<String, Tensor> weights, Map<String, Tensor> into,
            String module, int out, int in) {
        return new DecoderWeights.Linear(take(weights, into, module + ".weight", out, in),
                take(weights, into, module + ".bias", out));
    }

    private static Tensor take(Function<String, Tensor> weights, Map<String, Tensor> into, String name,
            int... shape) {
        Tensor t = weights.apply(name);
        if (t == null) {
            t = weights.apply("bert." + name);
        }
        if (t == null) {
            throw new IllegalArgumentException("BERT weights: tensor " + name + " (or bert." + name
                    + ") is missing; expected shape " + Arrays.toString(shape));
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException("BERT weights: tensor " + name + " has shape "
                    + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(shape) + " from the config");
        }
        if (shape.length == 1 && t.dtype() != DType.F32) {
            t = t.to(DType.F32); // norms and biases compute in F32
        }
        into.put(name, t);
        return t;
    }

    public ModelConfig config() {
        return config;
    }

    private float eps() { // layer_norm_eps
        return (float) config.normEps();
    }

    /** The weights by Hugging Face name (no "bert." prefix), e.g. to mark them trainable or save them. */
    public Map<String, Tensor> parameters() {
        return parameters;
    }

    /**
     * The last hidden state {@code (B, T, C)} for a rectangular batch, computed without recording
     * gradients. {@code attentionMask} (1 = token, 0 = padding) and {@code tokenTypeIds} may be null
     * (all ones / all zeros).
     */
    public Tensor lastHiddenState(int[][] ids, int[][] attentionMask, int[][] tokenTypeIds) {
        return Autograd.noGrad(() -> forward(ids, attentionMask, tokenTypeIds));
    }

    /**
     * The encoder forward {@code (B, T, C)}, recording the graph when gradients are enabled and a weight
     * requires one (fine-tuning). Arguments as {@link #lastHiddenState}.
     */
    public Tensor forward(int[][] ids, int[][] attentionMask, int[][] tokenTypeIds) {
        return forward(ids, attentionMask, tokenTypeIds, LinearHook.PLAIN);
    }

    /**
     * The encoder forward with every projection computed by {@code hook} (adapters such as LoRA and IA3
     * wrap chosen ones, see {@link #linear}); arguments otherwise as {@link #lastHiddenState}. A hook that
     * is also {@link VirtualTokens} puts its P virtual tokens before the real ones (token type 0, positions
     * 0..P-1, mask 1; the real tokens at positions P..): the result is (B, P + T, C), virtual positions
     * first. A hook that is also {@link KeyValuePrefix} gives every layer P prefix keys and values that every
     * token attends to, with the real tokens at positions P.. (as Hugging Face's BertEmbeddings offsets
     * positions by the cached length): the result stays (B, T, C).
     */
    public Tensor forward(int[][] ids, int[][] attentionMask, int[][] tokenTypeIds, LinearHook hook) {
        if (hook == null) {
            throw new IllegalArgumentException("hook must not be null; pass LinearHook.PLAIN for the plain model");
        }
        int b = ids.length;
        int t = b == 0 ? 0 : ids[0].length;
        if (b == 0 || t == 0) {
            throw new IllegalArgumentException("BERT input ids must be a non-empty (B, T) batch, got B = " + b
                    + ", T = " + t);
        }
        int[] flatIds = flatten("ids", ids, b, t, config.vocabSize());
        int[] flatTypes = tokenTypeIds == null ? new int[b * t]
                : flatten("tokenTypeIds", tokenTypeIds, b, t, config.typeVocabSize());
        int[] flatMask = attentionMask == null ? null : flatten("attentionMask", attentionMask, b, t, 2);

        Tensor x = Embedding.lookup(wordEmbeddings, flatIds, b, t);                      // (B, T, C)
        int virtual = 0; // prompt tuning: virtual tokens before the real ones
        if (hook instanceof VirtualTokens prompt) {
            Tensor embeddings = prompt.virtualTokenEmbeddings();                         // (P, C)
            if (embeddings.rank() != 2 || embeddings.dim(0) < 1 || embeddings.dim(1) != config.hiddenSize()) {
                throw new IllegalArgumentException("virtual-token embeddings must be (P, C) with C = "
                        + config.hiddenSize() + ", got " + Arrays.toString(embeddings.shape()));
            }
            virtual = embeddings.dim(0);
            x = Concat.prependShared(embeddings, x, 1);                                 // (B, P + T, C)
            int[] types = new int[b * (virtual + t)];                                    // type 0 on virtual tokens
            for (int i = 0; i < b; i++) {
                System.arraycopy(flatTypes, i * t, types, i * (virtual + t) + virtual, t);
            }
            flatTypes = types;
        }
        int prefix = hook instanceof KeyValuePrefix kv ? kv.prefixLength() : 0;          // prefix tuning
        if (prefix < 0) {
            throw new IllegalArgumentException("prefixLength must be >= 0, got " + prefix);
        }
        int length = virtual + t;
        if (prefix + length > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("BERT input of " + t + " tokens" + (prefix + virtual > 0
                    ? " after " + (prefix + virtual) + " virtual positions" : "") + " exceeds max_position_embeddings "
                    + config.maxPositionEmbeddings());
        }
        int[] positions = new int[length];
        Arrays.setAll(positions, i -> prefix + i);
        x = Arithmetic.add(x, Embedding.lookup(tokenTypeEmbeddings, flatTypes, b, length));
        x = Arithmetic.add(x, Embedding.lookup(positionEmbeddings, positions, length));  // (L, C) broadcast
        x = Norms.layerNorm(x, embeddingNormWeight, embeddingNormBias, eps());
        Tensor keyMask = Prefixes.extendMask(flatMask == null ? null : maskTensor(flatMask, b, t), prefix + virtual);
        for (int i = 0; i < layers.size(); i++) {
            x = layer(i, layers.get(i), x, keyMask, b, length, prefix, hook);
        }
        return x;
    }

    private Tensor layer(int i, Layer l, Tensor x, Tensor keyMask, int b, int t, int prefix, LinearHook hook) {
        int c = config.hiddenSize();
        int h = config.numAttentionHeads();
        int d = config.headDim();
        Tensor q = heads(hook.apply(i, Projection.Q, x, l.query()), b, t, h, d); // (B, H, T, D)
        Tensor k = heads(hook.apply(i, Projection.K, x, l.key()), b, t, h, d);   // (B, H, T, D)
        Tensor v = heads(hook.apply(i, Projection.V, x, l.value()), b, t, h, d); // (B, H, T, D)
        if (prefix > 0) { // (H, P, D) before every row's keys and values
            KeyValuePrefix kv = (KeyValuePrefix) hook;
            k = Concat.prependShared(Prefixes.checked(kv.keyPrefix(i), "key", i, h, prefix, d), k, 2);
            v = Concat.prependShared(Prefixes.checked(kv.valuePrefix(i), "value", i, h, prefix, d), v, 2);
        }
        Tensor context = Attention.scaledDotProductAttention(q, k, v, false, keyMask); // (B, H, T, D)
        context = Views.reshape(Views.transpose(context, 1, 2), b, t, c);            // (B, T, C)
        Tensor attended = hook.apply(i, Projection.O, context, l.attentionOut());
        x = Norms.layerNorm(Arithmetic.add(attended, x), l.attentionNormWeight(), l.attentionNormBias(), eps());
        Tensor inner = Activations.gelu(hook.apply(i, Projection.UP, x, l.intermediate()),
                config.hiddenAct() == Activation.GELU_TANH);                           // (B, T, F)
        Tensor out = hook.apply(i, Projection.DOWN, inner, l.output());                // (B, T, C)
        return Norms.layerNorm(Arithmetic.add(out, x), l.outputNormWeight(), l.outputNormBias(), eps());
    }

    /** The number of encoder layers. */
    public int layerCount() {
        return layers.size();
    }

    /**
     * The projection {@code p} of encoder layer {@code layer} as {@link LinearHook} receives it: Q, K, V are
     * attention.self.query/key/value, O attention.output.dense, UP intermediate.dense, DOWN output.dense
     * (BERT has no GATE).
     */
    public DecoderWeights.Linear linear(int layer, Projection p) {
        Layer l = layers.get(layer);
        return switch (p) {
            case Q -> l.query();
            case K -> l.key();
            case V -> l.value();
            case O -> l.attentionOut();
            case UP -> l.intermediate();
            case DOWN -> l.output();
            case GATE -> throw new IllegalArgumentException("BERT layers have no GATE projection");
        };
    }

    /** (B, T, C) -> (B, H, T, D), a view. */
    private static Tensor heads(Tensor x, int b, int t, int h, int d) {
        return Views.transpose(Views.reshape(x, b, t, h, d), 1, 2);
    }

    /**
     * Mean of {@code hidden (B, T, C)} over the positions where {@code attentionMask} is 1 (all
     * positions when null): {@code (B, C)}. Built from ops, so it is differentiable.
     */
    public static Tensor meanPool(Tensor hidden, int[][] attentionMask) {
        int b = hidden.dim(0);
        int t = hidden.dim(1);
        if (attentionMask == null) {
            return Reductions.mean(hidden, 1, false);
        }
        int[] flat = flatten("attentionMask", attentionMask, b, t, 2);
        float[] weights = new float[b * t]; // mask / count per sequence
        for (int i = 0; i < b; i++) {
            int count = 0;
            for (int j = 0; j < t; j++) {
                count += flat[i * t + j];
            }
            for (int j = 0; j < t; j++) {
                // sentence-transformers clamps the count to 1e-9; an empty row pools to zeros here too.
                weights[i * t + j] = count == 0 ? 0f : flat[i * t + j] / (float) count;
            }
        }
        Tensor w = Tensor.of(weights, b, t, 1);                               // (B, T, 1)
        return Reductions.sum(Arithmetic.mul(hidden, w), 1, false);          // (B, C)
    }

    /**
     * Sentence embeddings {@code [B][C]}: mean pooling over the mask, then L2 normalisation
     * (sentence-transformers all-MiniLM-L6-v2). Inference only (no gradients recorded).
     */
    public float[][] sentenceEmbeddings(int[][] ids, int[][] attentionMask, int[][] tokenTypeIds) {
        Tensor pooled = Autograd.noGrad(() -> meanPool(forward(ids, attentionMask, tokenTypeIds), attentionMask));
        int b = pooled.dim(0);
        int c = pooled.dim(1);
        float[] all = pooled.toFloatArray();
        float[][] out = new float[b][c];
        for (int i = 0; i < b; i++) {
            double norm = 0;
            for (int j = 0; j < c; j++) {
                norm += (double) all[i * c + j] * all[i * c + j];
            }
            // torch.nn.functional.normalize: x / max(||x||, 1e-12)
            float scale = (float) (1.0 / Math.max(Math.sqrt(norm), 1e-12));
            for (int j = 0; j < c; j++) {
                out[i][j] = all[i * c + j] * scale;
            }
        }
        return out;
    }

    private static Tensor maskTensor(int[] mask, int b, int t) {
        float[] m = new float[mask.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = mask[i];
        }
        return Tensor.of(m, b, t);
    }

    /** Row-major copy of a rectangular (B, T) int batch, each value checked to lie in [0, bound). */
    private static int[] flatten(String what, int[][] rows, int b, int t, int bound) {
        if (rows.length != b) {
            throw new IllegalArgumentException("BERT " + what + " has " + rows.length + " rows, expected B = " + b);
        }
        int[] flat = new int[b * t];
        for (int i = 0; i < b; i++) {
            if (rows[i] == null || rows[i].length != t) {
                throw new IllegalArgumentException("BERT " + what + " row " + i + " has "
                        + (rows[i] == null ? "no" : rows[i].length) + " entries, expected T = " + t
                        + " (pad the batch to one length and mask the padding)");
            }
            for (int j = 0; j < t; j++) {
                int v = rows[i][j];
                if (v < 0 || v >= bound) {
                    throw new IllegalArgumentException("BERT " + what + "[" + i + "][" + j + "] = " + v
                            + " is out of range [0, " + bound + ")");
                }
                flat[i * t + j] = v;
            }
        }
        return flat;
    }
}
