package dev.lathe.models.family;

import dev.lathe.engine.op.Activations;
import dev.lathe.engine.op.Arithmetic;
import dev.lathe.engine.op.Attention;
import dev.lathe.engine.op.Concat;
import dev.lathe.engine.op.Embedding;
import dev.lathe.engine.op.MatMul;
import dev.lathe.engine.op.Norms;
import dev.lathe.engine.op.Rope;
import dev.lathe.engine.op.RopeTable;
import dev.lathe.engine.op.Views;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.CausalLanguageModel;
import dev.lathe.models.ContextLengthExceededException;
import dev.lathe.models.KvCache;
import dev.lathe.models.config.Activation;
import dev.lathe.models.config.ModelConfig;
import java.util.Arrays;

/**
 * A decoder-only transformer assembled from shared blocks (pre-norm residual attention and MLP); the
 * families (Llama/Mistral/Qwen2, GPT-2) differ only in {@link DecoderArchitecture} and in how their
 * weights are named. Two forward paths give the same logits:
 * <ul>
 *   <li>{@link #logits}: the full sequence through engine ops, recording autograd (training, tuning);
 *   <li>{@link #forward}/{@link #decodeBatch}: inference over a preallocated {@link KvCache}, straight on
 *       the kernels with reused scratch buffers, several sequences batched into one matrix product.
 * </ul>
 */
public final class DecoderModel implements CausalLanguageModel {
    private final DecoderArchitecture arch;
    private final DecoderWeights weights;
    private final RopeTable rope; // null with learned positions
    private final DecoderInference inference;

    public DecoderModel(DecoderArchitecture arch, DecoderWeights weights) {
        this.arch = arch;
        this.weights = weights;
        this.rope = arch.learnedPositions() ? null
                : RopeTable.create(arch.config().ropeConfig(), arch.config().maxPositionEmbeddings());
        this.inference = new DecoderInference(arch, weights, rope);
    }

    public ModelConfig config() {
        return arch.config();
    }

    public DecoderArchitecture architecture() {
        return arch;
    }

    public DecoderWeights weights() {
        return weights;
    }

    // ---------------------------------------------------------------- autograd path

    /** Logits (B, T, V) for equal-length rows of token ids, no padding. */
    public Tensor logits(int[][] ids) {
        int b = ids.length;
        int t = b == 0 ? 0 : ids[0].length;
        int[] flat = new int[b * t];
        for (int i = 0; i < b; i++) {
            if (ids[i].length != t) {
                throw new IllegalArgumentException("row " + i + " has " + ids[i].length + " ids but row 0 has " + t
                        + "; pad the rows and pass an attention mask");
            }
            System.arraycopy(ids[i], 0, flat, i * t, t);
        }
        return logits(flat, b, t, null);
    }

    /**
     * Logits (B, T, V) for {@code ids} (B*T, row-major) at positions 0..T-1, built from autograd ops.
     * {@code attentionMask} (B, T) marks padding keys with 0 (as Hugging Face's {@code attention_mask}), or
     * is null; logits at padded positions are meaningless.
     */
    public Tensor logits(int[] ids, int batch, int time, Tensor attentionMask) {
        return logits(ids, batch, time, attentionMask, LinearHook.PLAIN);
    }

    /**
     * As {@link #logits(int[], int, int, Tensor)}, with every projection of every block computed by
     * {@code hook} (adapters such as LoRA wrap chosen projections this way).
     */
    public Tensor logits(int[] ids, int batch, int time, Tensor attentionMask, LinearHook hook) {
        return MatMul.linear(hiddenStates(ids, batch, time, attentionMask, hook), weights.lmHead(), null); // (B, T, V)
    }

    /**
     * The final hidden states (B, T, C): after the last block and the final norm, before the language-model
     * head, recorded for autograd. Heads other than the language model (sequence classification, pooling)
     * start here; arguments as {@link #logits(int[], int, int, Tensor, LinearHook)}. A hook that is also
     * {@link VirtualTokens} puts its P virtual tokens first: the result is then (B, P + T, C), the virtual
     * positions first. A hook that is also {@link KeyValuePrefix} gives every layer its cached prefix: the
     * real tokens take positions P.. and the result stays (B, T, C).
     */
    public Tensor hiddenStates(int[] ids, int batch, int time, Tensor attentionMask, LinearHook hook) {
        if (hook == null) {
            throw new IllegalArgumentException("hook must not be null; pass LinearHook.PLAIN for the plain model");
        }
        if (batch < 1 || time < 1 || ids.length != batch * time) {
            throw new IllegalArgumentException("ids must hold batch * time = " + batch + " * " + time
                    + " tokens, got " + ids.length);
        }
        if (attentionMask != null && !Arrays.equals(attentionMask.shape(), new int[] {batch, time})) {
            throw new IllegalArgumentException("attentionMask must be (B, T) = [" + batch + ", " + time + "], got "
                    + Arrays.toString(attentionMask.shape()));
        }
        Tensor x = Embedding.lookup(weights.embed(), ids, batch, time); // (B, T, C)
        int virtual = 0; // prompt tuning: virtual tokens before the real ones
        if (hook instanceof VirtualTokens prompt) {
            Tensor embeddings = prompt.virtualTokenEmbeddings(); // (P, C)
            if (embeddings.rank() != 2 || embeddings.dim(0) < 1 || embeddings.dim(1) != arch.config().hiddenSize()) {
                throw new IllegalArgumentException("virtual-token embeddings must be (P, C) with C = "
                        + arch.config().hiddenSize() + ", got " + Arrays.toString(embeddings.shape()));
            }
            virtual = embeddings.dim(0);
            x = Concat.prependShared(embeddings, x, 1); // (B, P + T, C)
        }
        int prefix = hook instanceof KeyValuePrefix kv ? kv.prefixLength() : 0; // prefix tuning: cached positions
        if (prefix < 0) {
            throw new IllegalArgumentException("prefixLength must be >= 0, got " + prefix);
        }
        int length = virtual + time;
        if (prefix + length > contextLength()) {
            throw new ContextLengthExceededException(prefix + length, contextLength());
        }
        Tensor keyMask = Prefixes.extendMask(attentionMask, prefix + virtual); // (B, prefix + P + T) or null
        if (weights.positions() != null) {
            int[] pos = new int[length];
            Arrays.setAll(pos, i -> prefix + i);
            x = Arithmetic.add(x, Embedding.lookup(weights.positions(), pos, length)); // + (L, C)
        }
        for (int i = 0; i < weights.layers().size(); i++) {
            x = block(i, weights.layers().get(i), x, batch, length, prefix, keyMask, hook);
        }
        return norm(x, weights.finalNorm()); // (B, L, C)
    }

    private Tensor block(int i, DecoderWeights.Layer layer, Tensor x, int b, int t, int prefix, Tensor mask,
            LinearHook hook) {
        Tensor h = norm(x, layer.attnNorm());                                                 // (B, T, C)
        Tensor q = heads(hook.apply(i, LinearHook.Projection.Q, h, layer.q()), b, t, arch.heads());   // (B, H, T, D)
        Tensor k = heads(hook.apply(i, LinearHook.Projection.K, h, layer.k()), b, t, arch.kvHeads()); // (B, KVH, T, D)
        Tensor v = heads(hook.apply(i, LinearHook.Projection.V, h, layer.v()), b, t, arch.kvHeads()); // (B, KVH, T, D)
        if (rope != null) {
            q = Rope.apply(q, rope, prefix);
            k = Rope.apply(k, rope, prefix);
        }
        if (prefix > 0) { // prefix tuning: (KVH, P, D) before the keys and values of every row
            KeyValuePrefix kv = (KeyValuePrefix) hook;
            k = Concat.prependShared(Prefixes.checked(kv.keyPrefix(i), "key", i, arch.kvHeads(), prefix,
                    arch.headDim()), k, 2); // (B, KVH, P + T, D)
            v = Concat.prependShared(Prefixes.checked(kv.valuePrefix(i), "value", i, arch.kvHeads(), prefix,
                    arch.headDim()), v, 2);
        }
        Tensor a = Attention.scaledDotProductAttention(q, k, v, true, mask); // (B, H, T, D)
        a = Views.reshape(Views.transpose(a, 1, 2), b, t, arch.heads() * arch.headDim()); // (B, T, H*D)
        x = Arithmetic.add(x, hook.apply(i, LinearHook.Projection.O, a, layer.o()));
        h = norm(x, layer.mlpNorm());
        Tensor m;
        if (layer.gate() != null) {
            Tensor gate = hook.apply(i, LinearHook.Projection.GATE, h, layer.gate());
            Tensor up = hook.apply(i, LinearHook.Projection.UP, h, layer.up());
            m = arch.config().hiddenAct() == Activation.SILU ? Activations.swiglu(gate, up)
                    : Arithmetic.mul(activate(gate), up);
        } else {
            m = activate(hook.apply(i, LinearHook.Projection.UP, h, layer.up()));
        }
        return Arithmetic.add(x, hook.apply(i, LinearHook.Projection.DOWN, m, layer.down()));
    }

    private Tensor heads(Tensor y, int b, int t, int n) { // (B, T, n*D) -> (B, n, T, D)
        return Views.transpose(Views.reshape(y, b, t, n, arch.headDim()), 1, 2);
    }

    private Tensor norm(Tensor x, DecoderWeights.Norm n) {
        return arch.norm() == DecoderArchitecture.Norm.RMS ? Norms.rmsNorm(x, n.weight(), arch.eps())
                : Norms.layerNorm(x, n.weight(), n.bias(), arch.eps());
    }

    private Tensor activate(Tensor x) {
        return switch (arch.config().hiddenAct()) {
            case SILU -> Activations.silu(x);
            case GELU -> Activations.gelu(x);
            case GELU_TANH -> Activations.geluTanh(x);
        };
    }

    // ---------------------------------------------------------------- inference path

    @Override
    public int vocabSize() {
        return arch.vocab();
    }

    @Override
    public int contextLength() {
        return arch.config().maxPositionEmbeddings();
    }

    @Override
    public KvCache newCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("cache capacity must be >= 1, got " + capacity);
        }
        if (capacity > contextLength()) {
            throw new ContextLengthExceededException(capacity, contextLength());
        }
        return new DecoderKvCache(this, weights.layers().size(), arch.kvHeads(), capacity, arch.headDim());
    }

    /** The inference path, for tests in this package. */
    DecoderInference inference() {
        return inference;
    }

    @Override
    public float[] forward(int[] tokens, KvCache cache) {
        return inference.prefill(tokens, own(cache, "cache"));
    }

    /**
     * The sentence embedding of a decoder model: the final hidden states of {@code tokens} (after the
     * final norm, as Hugging Face's {@code last_hidden_state}) averaged over every position, (C). Not
     * normalised. Runs on the inference path, without recording gradients.
     *
     * @throws ContextLengthExceededException when the tokens do not fit the context
     */
    public float[] meanPooledHiddenState(int[] tokens) {
        if (tokens.length > contextLength()) {
            throw new ContextLengthExceededException(tokens.length, contextLength());
        }
        if (tokens.length == 0) {
            throw new IllegalArgumentException("an embedding needs at least one token, got none");
        }
        return inference.meanHiddenState(tokens, (DecoderKvCache) newCache(tokens.length));
    }

    @Override
    public void decodeBatch(int[] tokens, KvCache[] caches, float[][] logits) {
        if (tokens.length != caches.length || logits.length != caches.length) {
            throw new IllegalArgumentException("decodeBatch needs one token, cache and logits row per sequence, got "
                    + tokens.length + " tokens, " + caches.length + " caches, " + logits.length + " logits rows");
        }
        DecoderKvCache[] own = new DecoderKvCache[caches.length];
        for (int i = 0; i < caches.length; i++) {
            own[i] = own(caches[i], "caches[" + i + "]");
            for (int j = 0; j < i; j++) {
                if (own[j] == own[i]) {
                    throw new IllegalArgumentException("caches[" + j + "] and caches[" + i + "] are the same cache");
                }
            }
        }
        inference.decode(tokens, own, logits);
    }

    private DecoderKvCache own(KvCache cache, String what) {
        if (!(cache instanceof DecoderKvCache c) || c.owner() != this) {
            throw new IllegalArgumentException(what + " was not created by this model's newCache");
        }
        return c;
    }
}
