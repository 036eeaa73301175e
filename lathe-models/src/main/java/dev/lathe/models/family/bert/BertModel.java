package dev.lathe.models.family.bert;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.op.Activations;
import dev.lathe.engine.op.Arithmetic;
import dev.lathe.engine.op.Attention;
import dev.lathe.engine.op.Embedding;
import dev.lathe.engine.op.MatMul;
import dev.lathe.engine.op.Norms;
import dev.lathe.engine.op.Reductions;
import dev.lathe.engine.op.Views;
import dev.lathe.engine.tensor.DType;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.config.Activation;
import dev.lathe.models.config.ModelConfig;
import dev.lathe.models.config.ModelFamily;
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

    /** One encoder layer's weights (nn.Linear layout (out, in)). */
    private record Layer(Tensor query, Tensor queryBias, Tensor key, Tensor keyBias, Tensor value, Tensor valueBias,
            Tensor attentionOut, Tensor attentionOutBias, Tensor attentionNormWeight, Tensor attentionNormBias,
            Tensor intermediate, Tensor intermediateBias, Tensor output, Tensor outputBias,
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
                    take(weights, params, p + "attention.self.query.weight", c, c),
                    take(weights, params, p + "attention.self.query.bias", c),
                    take(weights, params, p + "attention.self.key.weight", c, c),
                    take(weights, params, p + "attention.self.key.bias", c),
                    take(weights, params, p + "attention.self.value.weight", c, c),
                    take(weights, params, p + "attention.self.value.bias", c),
                    take(weights, params, p + "attention.output.dense.weight", c, c),
                    take(weights, params, p + "attention.output.dense.bias", c),
                    take(weights, params, p + "attention.output.LayerNorm.weight", c),
                    take(weights, params, p + "attention.output.LayerNorm.bias", c),
                    take(weights, params, p + "intermediate.dense.weight", f, c),
                    take(weights, params, p + "intermediate.dense.bias", f),
                    take(weights, params, p + "output.dense.weight", c, f),
                    take(weights, params, p + "output.dense.bias", c),
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
        int b = ids.length;
        int t = b == 0 ? 0 : ids[0].length;
        if (b == 0 || t == 0) {
            throw new IllegalArgumentException("BERT input ids must be a non-empty (B, T) batch, got B = " + b
                    + ", T = " + t);
        }
        if (t > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("BERT input of " + t + " tokens exceeds max_position_embeddings "
                    + config.maxPositionEmbeddings());
        }
        int[] flatIds = flatten("ids", ids, b, t, config.vocabSize());
        int[] flatTypes = tokenTypeIds == null ? new int[b * t]
                : flatten("tokenTypeIds", tokenTypeIds, b, t, config.typeVocabSize());
        int[] flatMask = attentionMask == null ? null : flatten("attentionMask", attentionMask, b, t, 2);
        int[] positions = new int[t];
        Arrays.setAll(positions, i -> i);

        Tensor x = Arithmetic.add(Embedding.lookup(wordEmbeddings, flatIds, b, t),        // (B, T, C)
                Embedding.lookup(tokenTypeEmbeddings, flatTypes, b, t));
        x = Arithmetic.add(x, Embedding.lookup(positionEmbeddings, positions, t));       // (T, C) broadcast
        x = Norms.layerNorm(x, embeddingNormWeight, embeddingNormBias, eps());
        Tensor keyMask = flatMask == null ? null : maskTensor(flatMask, b, t);           // (B, S)
        for (Layer layer : layers) {
            x = layer(layer, x, keyMask, b, t);
        }
        return x;
    }

    private Tensor layer(Layer l, Tensor x, Tensor keyMask, int b, int t) {
        int c = config.hiddenSize();
        int h = config.numAttentionHeads();
        int d = config.headDim();
        Tensor q = heads(MatMul.linear(x, l.query(), l.queryBias()), b, t, h, d); // (B, H, T, D)
        Tensor k = heads(MatMul.linear(x, l.key(), l.keyBias()), b, t, h, d);     // (B, H, T, D)
        Tensor v = heads(MatMul.linear(x, l.value(), l.valueBias()), b, t, h, d); // (B, H, T, D)
        Tensor context = Attention.scaledDotProductAttention(q, k, v, false, keyMask); // (B, H, T, D)
        context = Views.reshape(Views.transpose(context, 1, 2), b, t, c);            // (B, T, C)
        Tensor attended = MatMul.linear(context, l.attentionOut(), l.attentionOutBias());
        x = Norms.layerNorm(Arithmetic.add(attended, x), l.attentionNormWeight(), l.attentionNormBias(), eps());
        Tensor inner = Activations.gelu(MatMul.linear(x, l.intermediate(), l.intermediateBias()),
                config.hiddenAct() == Activation.GELU_TANH);                           // (B, T, F)
        Tensor out = MatMul.linear(inner, l.output(), l.outputBias());                 // (B, T, C)
        return Norms.layerNorm(Arithmetic.add(out, x), l.outputNormWeight(), l.outputNormBias(), eps());
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
