package dev.lathe.models.format.gguf;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.format.HfModelFiles;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Imports a GGUF model as a Hugging Face model: {@code config.json} from the architecture metadata,
 * tensors renamed (and rearranged) through the family's {@link GgufFamily table}, and the tokenizer
 * stored in the metadata as {@code tokenizer.json} + {@code tokenizer_config.json}.
 */
public final class GgufToHf {
    private GgufToHf() {}

    /** The whole model. Q8_0/Q4_0 tensors come back dequantized (F32); others as stored. */
    public static HfModelFiles convert(GgufFile f) {
        GgufFamily family = family(f);
        GgufTokenizer tokenizer = f.metadata().containsKey("tokenizer.ggml.tokens") ? GgufTokenizer.fromGguf(f) : null;
        ObjectNode config = config(f, family, tokenizer);
        int heads = config.path(family == GgufFamily.GPT2 ? "n_head" : "num_attention_heads").asInt();
        int kvHeads = config.path("num_key_value_heads").asInt(heads);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (String name : f.tensorInfos().keySet()) {
            GgufFamily.Mapped m = family.toHf(name);
            if (m == null) {
                if (name.startsWith("rope_freqs") || name.endsWith(".rope_freqs.weight")) {
                    requireUnitFrequencyFactors(f, name);
                    continue; // all ones: plain RoPE, which the config describes
                }
                throw new GgufFormatException(f.path() + ": tensor '" + name + "' has no Hugging Face name in the "
                        + family.architecture() + " table");
            }
            Tensor t = f.tensor(name);
            tensors.put(m.name(), switch (m.change()) {
                case NONE -> t;
                case ROPE_Q -> RopeLayout.interleavedToHalves(t, heads);
                case ROPE_K -> RopeLayout.interleavedToHalves(t, kvHeads);
                case TRANSPOSE -> t.rank() == 2 ? transpose(t) : t;
            });
        }
        return new HfModelFiles(config, tensors, tokenizer == null ? null : tokenizer.tokenizerJson(),
                tokenizer == null ? null : tokenizer.tokenizerConfig());
    }

    /**
     * llama.cpp stores Llama 3.1-style RoPE scaling as per-dimension frequency factors in a
     * {@code rope_freqs} tensor. The Hugging Face config cannot express arbitrary factors, and dropping them
     * would rotate the low frequencies unscaled (other logits at every position), so only an all-ones table
     * is accepted.
     */
    private static void requireUnitFrequencyFactors(GgufFile f, String name) {
        for (float factor : f.tensor(name).toFloatArray()) {
            if (factor != 1f) {
                throw new GgufFormatException(f.path() + ": tensor '" + name + "' holds RoPE frequency factors"
                        + " (Llama 3.1-style scaling, e.g. " + factor + ") that Lathe cannot import; load the model's"
                        + " Hugging Face folder (config.json with rope_scaling) instead");
            }
        }
    }

    static GgufFamily family(GgufFile f) {
        String arch = f.string("general.architecture", null);
        if (arch == null) {
            throw new GgufFormatException(f.path() + ": metadata key 'general.architecture' is missing");
        }
        GgufFamily family = GgufFamily.forArchitecture(arch);
        if (family == null) {
            throw new GgufFormatException(f.path() + ": architecture '" + arch
                    + "' is not supported (llama, qwen2, gpt2)");
        }
        return family;
    }

    /** config.json for the file's architecture. */
    public static ObjectNode config(GgufFile f, GgufFamily family, GgufTokenizer tokenizer) {
        String arch = family.architecture();
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.putArray("architectures").add(family.hfClass());
        c.put("model_type", family.modelType());
        for (GgufFamily.Key k : family.keys()) {
            GgufValue v = f.metadata().get(arch + "." + k.suffix());
            if (v == null) {
                continue;
            }
            String key = arch + "." + k.suffix();
            if (k.integer()) {
                c.put(k.hf(), (int) f.integer(key, 0));
            } else {
                c.put(k.hf(), (float) f.number(key, 0));
            }
        }
        boolean gpt2 = family == GgufFamily.GPT2;
        String[] required = gpt2 ? new String[] {"n_embd", "n_layer", "n_head"}
                : new String[] {"hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size"};
        for (String r : required) {
            if (!c.has(r)) {
                throw new GgufFormatException(f.path() + ": architecture metadata for '" + r + "' ("
                        + arch + ".*) is missing");
            }
        }
        if (!c.has("vocab_size")) {
            GgufTensorInfo emb = f.tensorInfos().get("token_embd.weight");
            if (tokenizer != null) {
                c.put("vocab_size", tokenizer.tokens().size());
            } else if (emb != null) {
                c.put("vocab_size", emb.shape()[0]);
            }
        }
        c.put("tie_word_embeddings", !f.tensorInfos().containsKey("output.weight"));
        if (gpt2) {
            c.put("activation_function", "gelu_new");
            c.put("n_ctx", c.path("n_positions").asInt(1024));
        } else {
            if (!c.has("num_key_value_heads")) {
                c.put("num_key_value_heads", c.get("num_attention_heads").asInt());
            }
            if (!c.has("rope_theta")) {
                c.put("rope_theta", 10000.0f);
            }
            c.put("hidden_act", "silu");
            c.put("attention_bias", f.tensorInfos().containsKey("blk.0.attn_q.bias"));
            c.put("mlp_bias", false);
            if ("linear".equals(f.string(arch + ".rope.scaling.type", null))) {
                c.putObject("rope_scaling").put("type", "linear")
                        .put("factor", (float) f.number(arch + ".rope.scaling.factor", 1));
            } else {
                c.putNull("rope_scaling");
            }
        }
        if (tokenizer != null) {
            if (tokenizer.bos() >= 0) {
                c.put("bos_token_id", tokenizer.bos());
            }
            if (tokenizer.eos() >= 0) {
                c.put("eos_token_id", tokenizer.eos());
            }
        }
        c.put("torch_dtype", "float32");
        return c;
    }

    static Tensor transpose(Tensor t) {
        int[] s = t.shape();
        long[] st = t.strides();
        return t.view(new int[] {s[1], s[0]}, new long[] {st[1], st[0]}, t.offset()).copyContiguous();
    }
}
