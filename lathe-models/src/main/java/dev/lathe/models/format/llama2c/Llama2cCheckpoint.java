package dev.lathe.models.format.llama2c;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.engine.tensor.DType;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.format.HfModelFiles;
import dev.lathe.models.format.gguf.GgufFormatException;
import dev.lathe.models.format.gguf.RopeLayout;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A llama2.c checkpoint in its legacy version-0 layout ({@code run.c}'s format), imported as a Hugging
 * Face Llama model. The file is a header of 7 little-endian int32 (dim, hidden_dim, n_layers, n_heads,
 * n_kv_heads, vocab_size, seq_len; a negative vocab_size means the classifier is not shared with the
 * token embedding) and then float32 weights, each a row-major (out, in) matrix like a Hugging Face
 * Linear weight, in this order: token_embedding (V, C), rms_att (L, C), wq (L, C, C), wk (L, KVH*D, C),
 * wv (L, KVH*D, C), wo (L, C, C), rms_ffn (L, C), w1 (L, M, C), w2 (L, C, M), w3 (L, M, C),
 * rms_final (C), the legacy freq_cis_real and freq_cis_imag tables (seq_len, D/2) each, skipped, and
 * wcls (V, C) when unshared. The file size must match the header exactly.
 *
 * <p>llama2.c applies RoPE to adjacent feature pairs (the interleaved layout); the q/k rows are
 * permuted to Hugging Face's rotate-half layout ({@link RopeLayout}) so the result is an ordinary
 * Hugging Face Llama: w1 = gate_proj, w3 = up_proj, w2 = down_proj, RMSNorm eps 1e-5, RoPE theta 10000.
 *
 * @param vocabSize always positive; {@code sharedClassifier} says whether the header's was
 */
public record Llama2cCheckpoint(int dim, int hiddenDim, int layers, int heads, int kvHeads, int vocabSize,
        boolean sharedClassifier, int seqLen, Map<String, Tensor> tensors) {
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final int HEADER_BYTES = 7 * 4;

    /** Reads and validates a checkpoint; tensors (Hugging Face names, RoPE rows permuted) are F32. */
    public static Llama2cCheckpoint read(Path file) throws IOException {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("llama2.c weights are mapped in place, which needs a little-endian CPU");
        }
        MemorySegment data;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            data = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), Arena.ofAuto());
        }
        return parse(file, data);
    }

    static Llama2cCheckpoint parse(Path file, MemorySegment data) {
        if (data.byteSize() < HEADER_BYTES) {
            throw bad(file, "header", "truncated: " + data.byteSize() + " bytes, the header alone has 28");
        }
        String[] names = {"dim", "hidden_dim", "n_layers", "n_heads", "n_kv_heads", "vocab_size", "seq_len"};
        int[] h = new int[7];
        for (int i = 0; i < 7; i++) {
            h[i] = data.get(I32, 4L * i);
            boolean ok = i == 5 ? h[i] != 0 && h[i] != Integer.MIN_VALUE : h[i] > 0;
            if (!ok) {
                throw bad(file, "header field " + names[i], "value " + h[i] + " is invalid (must be positive"
                        + (i == 5 ? "; negative means an unshared classifier)" : ")"));
            }
        }
        int dim = h[0], hidden = h[1], layers = h[2], heads = h[3], kvHeads = h[4], seqLen = h[6];
        boolean shared = h[5] > 0;
        int vocab = Math.abs(h[5]);
        if (dim % heads != 0 || (dim / heads) % 2 != 0) {
            throw bad(file, "header", "dim " + dim + " is not n_heads " + heads + " times an even head size");
        }
        if (kvHeads > heads || heads % kvHeads != 0) {
            throw bad(file, "header", "n_heads " + heads + " is not a multiple of n_kv_heads " + kvHeads);
        }
        long headSize = dim / heads;
        long kvDim = headSize * kvHeads;
        long[][] sections = { // factors of each section's element count, in file order
            {vocab, dim}, {layers, dim}, {layers, dim, dim}, {layers, kvDim, dim}, {layers, kvDim, dim},
            {layers, dim, dim}, {layers, dim}, {layers, hidden, dim}, {layers, dim, hidden}, {layers, hidden, dim},
            {dim}, {seqLen, headSize / 2}, {seqLen, headSize / 2}, {shared ? 0 : vocab, dim}};
        long expected = HEADER_BYTES;
        try {
            for (long[] factors : sections) {
                long n = 4;
                for (long f : factors) {
                    n = Math.multiplyExact(n, f);
                }
                expected = Math.addExact(expected, n);
            }
        } catch (ArithmeticException e) {
            throw bad(file, "header", "the sizes it gives overflow");
        }
        if (expected != data.byteSize()) {
            throw bad(file, "weights", "the header describes " + expected + " bytes, the file has " + data.byteSize());
        }
        long[] at = {HEADER_BYTES};
        Map<String, Tensor> t = new LinkedHashMap<>();
        Tensor embedding = next(data, at, vocab, dim);
        t.put("model.embed_tokens.weight", embedding);
        Tensor[] rmsAtt = perLayer(data, at, layers, dim, 1);
        Tensor[] wq = perLayer(data, at, layers, dim, dim);
        Tensor[] wk = perLayer(data, at, layers, (int) kvDim, dim);
        Tensor[] wv = perLayer(data, at, layers, (int) kvDim, dim);
        Tensor[] wo = perLayer(data, at, layers, dim, dim);
        Tensor[] rmsFfn = perLayer(data, at, layers, dim, 1);
        Tensor[] w1 = perLayer(data, at, layers, hidden, dim);
        Tensor[] w2 = perLayer(data, at, layers, dim, hidden);
        Tensor[] w3 = perLayer(data, at, layers, hidden, dim);
        Tensor rmsFinal = next(data, at, dim);
        at[0] += 2 * 4L * seqLen * headSize / 2; // freq_cis_real, freq_cis_imag
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            t.put(p + "input_layernorm.weight", rmsAtt[l]);
            t.put(p + "self_attn.q_proj.weight", RopeLayout.interleavedToHalves(wq[l], heads));
            t.put(p + "self_attn.k_proj.weight", RopeLayout.interleavedToHalves(wk[l], kvHeads));
            t.put(p + "self_attn.v_proj.weight", wv[l]);
            t.put(p + "self_attn.o_proj.weight", wo[l]);
            t.put(p + "post_attention_layernorm.weight", rmsFfn[l]);
            t.put(p + "mlp.gate_proj.weight", w1[l]);
            t.put(p + "mlp.down_proj.weight", w2[l]);
            t.put(p + "mlp.up_proj.weight", w3[l]);
        }
        t.put("model.norm.weight", rmsFinal);
        if (!shared) {
            t.put("lm_head.weight", next(data, at, vocab, dim));
        }
        return new Llama2cCheckpoint(dim, hidden, layers, heads, kvHeads, vocab, shared, seqLen, t);
    }

    private static Tensor[] perLayer(MemorySegment data, long[] at, int layers, int rows, int cols) {
        Tensor[] out = new Tensor[layers];
        for (int l = 0; l < layers; l++) {
            out[l] = cols == 1 ? next(data, at, rows) : next(data, at, rows, cols);
        }
        return out;
    }

    private static Tensor next(MemorySegment data, long[] at, int... shape) {
        long bytes = 4;
        for (int d : shape) {
            bytes *= d;
        }
        Tensor t = Tensor.wrap(data.asSlice(at[0], bytes), DType.F32, shape);
        at[0] += bytes;
        return t;
    }

    private static GgufFormatException bad(Path file, String where, String defect) {
        return new GgufFormatException(file + ": " + where + ": " + defect);
    }

    /** Hugging Face config.json for this checkpoint (a Llama; llama2.c's fixed eps and theta). */
    public ObjectNode config() {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.putArray("architectures").add("LlamaForCausalLM");
        c.put("model_type", "llama");
        c.put("hidden_size", dim);
        c.put("intermediate_size", hiddenDim);
        c.put("num_hidden_layers", layers);
        c.put("num_attention_heads", heads);
        c.put("num_key_value_heads", kvHeads);
        c.put("vocab_size", vocabSize);
        c.put("max_position_embeddings", seqLen);
        c.put("rms_norm_eps", 1e-5);
        c.put("rope_theta", 10000.0);
        c.putNull("rope_scaling");
        c.put("tie_word_embeddings", sharedClassifier);
        c.put("hidden_act", "silu");
        c.put("attention_bias", false);
        c.put("mlp_bias", false);
        c.put("bos_token_id", Llama2cTokenizer.BOS);
        c.put("eos_token_id", Llama2cTokenizer.EOS);
        c.put("torch_dtype", "float32");
        return c;
    }

    /** The Hugging Face model: this checkpoint plus, when given, its converted tokenizer. */
    public HfModelFiles toHuggingFace(Llama2cTokenizer tokenizer) {
        if (tokenizer != null && tokenizer.tokenizer().tokens().size() != vocabSize) {
            throw new IllegalArgumentException("the tokenizer has " + tokenizer.tokenizer().tokens().size()
                    + " tokens, the checkpoint's vocab_size is " + vocabSize);
        }
        return new HfModelFiles(config(), tensors, tokenizer == null ? null : tokenizer.tokenizer().tokenizerJson(),
                tokenizer == null ? null : tokenizer.tokenizer().tokenizerConfig());
    }

    /** Converts {@code checkpoint} (+ {@code tokenizerBin}, may be null) into a Hugging Face folder. */
    public static void importTo(Path checkpoint, Path tokenizerBin, Path outDir) throws IOException {
        Llama2cCheckpoint c = read(checkpoint);
        Llama2cTokenizer tok = tokenizerBin == null ? null : Llama2cTokenizer.read(tokenizerBin, c.vocabSize());
        c.toHuggingFace(tok).writeTo(outDir);
    }
}
