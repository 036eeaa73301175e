package dev.lathe.serve.scheduler;

import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.config.ModelConfig;
import dev.lathe.models.family.DecoderFamilies;
import dev.lathe.models.family.DecoderModel;
import dev.lathe.models.family.WeightSource;
import dev.lathe.models.generate.TokenDecoder;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A tiny Llama with random weights built in memory, and a decoder that spells every id as a short
 * piece. The weights are large enough (std 0.3) that greedy continuations depend on the context rather
 * than collapsing to one repeated token, so comparing token streams means something.
 */
final class TinyLlama {
    static final int VOCAB = 96;
    static final int CONTEXT = 256;

    private TinyLlama() {}

    static DecoderModel build() {
        int hidden = 32, layers = 2, heads = 4, kvHeads = 2, inter = 64;
        String json = String.format(Locale.ROOT, """
                {"model_type": "llama", "architectures": ["LlamaForCausalLM"], "hidden_size": %d,
                 "num_hidden_layers": %d, "num_attention_heads": %d, "num_key_value_heads": %d,
                 "intermediate_size": %d, "vocab_size": %d, "max_position_embeddings": %d,
                 "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "tie_word_embeddings": false, "hidden_act": "silu",
                 "bos_token_id": 1, "eos_token_id": 2, "torch_dtype": "float32"}""",
                hidden, layers, heads, kvHeads, inter, VOCAB, CONTEXT);
        ModelConfig config = ModelConfig.parse(json, null, "tiny-llama/config.json");
        int kvDim = hidden / heads * kvHeads;
        Map<String, Tensor> w = new LinkedHashMap<>();
        long seed = 7;
        float a = 0.3f * (float) Math.sqrt(3); // uniform(-a, a) has std 0.3
        w.put("model.embed_tokens.weight", Tensor.uniform(seed++, -a, a, VOCAB, hidden));
        w.put("lm_head.weight", Tensor.uniform(seed++, -a, a, VOCAB, hidden));
        w.put("model.norm.weight", Tensor.full(1f, hidden));
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            w.put(p + "input_layernorm.weight", Tensor.full(1f, hidden));
            w.put(p + "post_attention_layernorm.weight", Tensor.full(1f, hidden));
            w.put(p + "self_attn.q_proj.weight", Tensor.uniform(seed++, -a, a, hidden, hidden));
            w.put(p + "self_attn.k_proj.weight", Tensor.uniform(seed++, -a, a, kvDim, hidden));
            w.put(p + "self_attn.v_proj.weight", Tensor.uniform(seed++, -a, a, kvDim, hidden));
            w.put(p + "self_attn.o_proj.weight", Tensor.uniform(seed++, -a, a, hidden, hidden));
            w.put(p + "mlp.gate_proj.weight", Tensor.uniform(seed++, -a, a, inter, hidden));
            w.put(p + "mlp.up_proj.weight", Tensor.uniform(seed++, -a, a, inter, hidden));
            w.put(p + "mlp.down_proj.weight", Tensor.uniform(seed++, -a, a, hidden, inter));
        }
        return DecoderFamilies.build(config, WeightSource.of(w, "tiny-llama"));
    }

    /** Id i is spelled as a letter, with a space after every fifth id. */
    static final TokenDecoder DECODER = (tokens, from, to) -> {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            sb.append((char) ('a' + tokens[i] % 26));
            if (tokens[i] % 5 == 0) {
                sb.append(' ');
            }
        }
        return sb.toString();
    };
}
