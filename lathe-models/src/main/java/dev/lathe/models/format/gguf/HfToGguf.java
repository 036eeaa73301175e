package dev.lathe.models.format.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lathe.engine.op.RopeConfig;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.config.ModelConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Converts a Hugging Face model (config.json fields, tensors by Hugging Face name, tokenizer files) to
 * a GGUF file llama.cpp can load: the family's metadata keys with the types llama.cpp expects, tensors
 * renamed and rearranged through the family's {@link GgufFamily table} (Llama q/k rows to the
 * interleaved RoPE layout, GPT-2 Conv1D weights transposed), and the tokenizer as
 * {@code tokenizer.ggml.*}. Matrices whose rows are a whole number of blocks are stored as
 * {@code weightType}; vectors (norms, biases) and other matrices stay F32.
 */
public final class HfToGguf {
    private HfToGguf() {}

    public static void write(Path out, JsonNode config, Map<String, Tensor> tensors, JsonNode tokenizerJson,
            JsonNode tokenizerConfig, GgmlType weightType) throws IOException {
        String modelType = config.path("model_type").asText();
        GgufFamily family = GgufFamily.forModelType(modelType);
        if (family == null) {
            throw new IllegalArgumentException("config.json model_type '" + modelType
                    + "' cannot be written to GGUF (llama, mistral, qwen2, gpt2)");
        }
        String arch = family.architecture();
        GgufWriter w = new GgufWriter();
        w.put("general.architecture", GgufValue.string(arch));
        w.put("general.alignment", GgufValue.u32(GgufFile.DEFAULT_ALIGNMENT));
        if (weightType == GgmlType.Q8_0 || weightType == GgmlType.Q4_0) {
            w.put("general.quantization_version", GgufValue.u32(2));
        }
        for (GgufFamily.Key k : family.keys()) {
            JsonNode v = config.get(k.hf());
            if (v == null || v.isNull() || k.suffix().equals("vocab_size")) {
                continue;
            }
            w.put(arch + "." + k.suffix(), k.integer() ? GgufValue.u32(v.asLong()) : GgufValue.f32((float) v.asDouble()));
        }
        if (family != GgufFamily.GPT2) {
            int heads = config.path("num_attention_heads").asInt();
            int headDim = config.path("head_dim").asInt(config.path("hidden_size").asInt() / Math.max(1, heads));
            w.put(arch + ".rope.dimension_count", GgufValue.u32(headDim));
            if (!config.has("num_key_value_heads")) {
                w.put(arch + ".attention.head_count_kv", GgufValue.u32(heads));
            }
            ropeAndContext(w, arch, config);
        }
        if (tokenizerJson != null) {
            GgufTokenizer.fromHuggingFace(tokenizerJson, tokenizerConfig).toGguf(w);
        }
        int heads = config.path(family == GgufFamily.GPT2 ? "n_head" : "num_attention_heads").asInt();
        int kvHeads = config.path("num_key_value_heads").asInt(heads);
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            GgufFamily.Mapped m = family.toGguf(e.getKey());
            if (m == null) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' has no GGUF name in the "
                        + arch + " table");
            }
            Tensor t = e.getValue();
            t = switch (m.change()) {
                case NONE -> t;
                case ROPE_Q -> RopeLayout.halvesToInterleaved(t, heads);
                case ROPE_K -> RopeLayout.halvesToInterleaved(t, kvHeads);
                case TRANSPOSE -> t.rank() == 2 ? GgufToHf.transpose(t) : t;
            };
            boolean quantizable = t.rank() == 2 && t.dim(-1) % weightType.blockSize() == 0;
            w.tensor(m.name(), t, quantizable ? weightType : GgmlType.F32);
        }
        w.write(out);
    }

    /**
     * RoPE base, scaling and context length as Lathe reads the config (either transformers layout: 5's
     * {@code rope_parameters} or 4's {@code rope_theta}/{@code rope_scaling}; the context capped at a
     * sliding window), not the raw fields, which a transformers 5 config lacks.
     */
    private static void ropeAndContext(GgufWriter w, String arch, JsonNode config) {
        ModelConfig parsed = ModelConfig.parse(config.toString(), null, "config.json");
        w.put(arch + ".rope.freq_base", GgufValue.f32((float) parsed.ropeTheta()));
        w.put(arch + ".context_length", GgufValue.u32(parsed.maxPositionEmbeddings()));
        switch (parsed.ropeScaling()) {
            case RopeConfig.None n -> { }
            case RopeConfig.Linear l -> {
                w.put(arch + ".rope.scaling.type", GgufValue.string("linear"));
                w.put(arch + ".rope.scaling.factor", GgufValue.f32((float) l.factor()));
            }
            case RopeConfig.Llama3 l -> throw new IllegalArgumentException("config.json: Llama-3 RoPE scaling cannot"
                    + " be written to GGUF yet (llama.cpp takes it as a rope_freqs tensor, which Lathe does not write);"
                    + " use the Hugging Face folder instead");
        }
    }
}
