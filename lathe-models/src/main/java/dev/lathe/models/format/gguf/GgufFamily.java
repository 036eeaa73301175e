package dev.lathe.models.format.gguf;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One mapping table per model family between GGUF and Hugging Face: the architecture metadata keys
 * and config.json fields, and the tensor names (each pair stands for both {@code .weight} and
 * {@code .bias}; {@code {N}} is the block number), with the rearrangement a tensor needs on the way.
 *
 * <p>Llama: llama.cpp permutes the rows of q/k to the interleaved RoPE layout (see {@link RopeLayout})
 * and Hugging Face names are rotate-half, so those rows are permuted back. Qwen2 is written without
 * the permutation (llama.cpp runs it with the rotate-half "NEOX" RoPE). GPT-2's Hugging Face Conv1D
 * weights are stored (in, out), llama.cpp's (out, in): they are transposed.
 */
public record GgufFamily(String architecture, String modelType, String hfClass, List<Names> names,
        List<Key> keys) {

    /** How a tensor changes between GGUF and Hugging Face. */
    public enum Change { NONE, ROPE_Q, ROPE_K, TRANSPOSE }

    /** A GGUF tensor name stem and its Hugging Face stem. */
    public record Names(String gguf, String hf, Change change) {}

    /** A GGUF key ({@code <arch>.suffix}) and its config.json field; {@code integer} or float. */
    public record Key(String suffix, String hf, boolean integer) {}

    private static final List<Names> LLAMA_NAMES = List.of(
            new Names("token_embd", "model.embed_tokens", Change.NONE),
            new Names("output_norm", "model.norm", Change.NONE),
            new Names("output", "lm_head", Change.NONE),
            new Names("blk.{N}.attn_norm", "model.layers.{N}.input_layernorm", Change.NONE),
            new Names("blk.{N}.attn_q", "model.layers.{N}.self_attn.q_proj", Change.ROPE_Q),
            new Names("blk.{N}.attn_k", "model.layers.{N}.self_attn.k_proj", Change.ROPE_K),
            new Names("blk.{N}.attn_v", "model.layers.{N}.self_attn.v_proj", Change.NONE),
            new Names("blk.{N}.attn_output", "model.layers.{N}.self_attn.o_proj", Change.NONE),
            new Names("blk.{N}.ffn_norm", "model.layers.{N}.post_attention_layernorm", Change.NONE),
            new Names("blk.{N}.ffn_gate", "model.layers.{N}.mlp.gate_proj", Change.NONE),
            new Names("blk.{N}.ffn_up", "model.layers.{N}.mlp.up_proj", Change.NONE),
            new Names("blk.{N}.ffn_down", "model.layers.{N}.mlp.down_proj", Change.NONE));

    private static final List<Key> DECODER_KEYS = List.of(
            new Key("context_length", "max_position_embeddings", true),
            new Key("embedding_length", "hidden_size", true),
            new Key("block_count", "num_hidden_layers", true),
            new Key("feed_forward_length", "intermediate_size", true),
            new Key("attention.head_count", "num_attention_heads", true),
            new Key("attention.head_count_kv", "num_key_value_heads", true),
            new Key("attention.key_length", "head_dim", true),
            new Key("rope.freq_base", "rope_theta", false),
            new Key("attention.layer_norm_rms_epsilon", "rms_norm_eps", false),
            new Key("vocab_size", "vocab_size", true));

    public static final GgufFamily LLAMA = new GgufFamily("llama", "llama", "LlamaForCausalLM", LLAMA_NAMES,
            DECODER_KEYS);

    public static final GgufFamily QWEN2 = new GgufFamily("qwen2", "qwen2", "Qwen2ForCausalLM",
            LLAMA_NAMES.stream().map(n -> n.change == Change.NONE ? n : new Names(n.gguf, n.hf, Change.NONE)).toList(),
            DECODER_KEYS);

    public static final GgufFamily GPT2 = new GgufFamily("gpt2", "gpt2", "GPT2LMHeadModel", List.of(
            new Names("token_embd", "transformer.wte", Change.NONE),
            new Names("position_embd", "transformer.wpe", Change.NONE),
            new Names("output_norm", "transformer.ln_f", Change.NONE),
            new Names("output", "lm_head", Change.NONE),
            new Names("blk.{N}.attn_norm", "transformer.h.{N}.ln_1", Change.NONE),
            new Names("blk.{N}.attn_qkv", "transformer.h.{N}.attn.c_attn", Change.TRANSPOSE),
            new Names("blk.{N}.attn_output", "transformer.h.{N}.attn.c_proj", Change.TRANSPOSE),
            new Names("blk.{N}.ffn_norm", "transformer.h.{N}.ln_2", Change.NONE),
            new Names("blk.{N}.ffn_up", "transformer.h.{N}.mlp.c_fc", Change.TRANSPOSE),
            new Names("blk.{N}.ffn_down", "transformer.h.{N}.mlp.c_proj", Change.TRANSPOSE)), List.of(
            new Key("context_length", "n_positions", true),
            new Key("embedding_length", "n_embd", true),
            new Key("block_count", "n_layer", true),
            new Key("feed_forward_length", "n_inner", true),
            new Key("attention.head_count", "n_head", true),
            new Key("attention.layer_norm_epsilon", "layer_norm_epsilon", false),
            new Key("vocab_size", "vocab_size", true)));

    private static final Map<String, GgufFamily> BY_ARCH = Map.of("llama", LLAMA, "qwen2", QWEN2, "gpt2", GPT2);

    /** The family for a {@code general.architecture} value, or null. */
    public static GgufFamily forArchitecture(String arch) {
        return BY_ARCH.get(arch);
    }

    /** The family for a config.json {@code model_type}, or null (Mistral-style configs count as llama). */
    public static GgufFamily forModelType(String modelType) {
        return switch (modelType) {
            case "llama", "mistral" -> LLAMA;
            case "qwen2" -> QWEN2;
            case "gpt2" -> GPT2;
            default -> null;
        };
    }

    /** A mapped name: the other side's name and the change it needs. */
    public record Mapped(String name, Change change) {}

    /** The Hugging Face name of a GGUF tensor, or null when the table has none. */
    public Mapped toHf(String ggufName) {
        return map(ggufName, true);
    }

    /** The GGUF name of a Hugging Face tensor, or null when the table has none. */
    public Mapped toGguf(String hfName) {
        return map(hfName, false);
    }

    private Mapped map(String name, boolean fromGguf) {
        for (String suffix : new String[] {".weight", ".bias"}) {
            if (!name.endsWith(suffix)) {
                continue;
            }
            String stem = name.substring(0, name.length() - suffix.length());
            for (Names n : names) {
                String from = fromGguf ? n.gguf : n.hf;
                String to = fromGguf ? n.hf : n.gguf;
                Matcher m = Pattern.compile(Pattern.quote(from).replace("{N}", "\\E(\\d+)\\Q")).matcher(stem);
                if (m.matches()) {
                    String mapped = m.groupCount() == 1 ? to.replace("{N}", m.group(1)) : to;
                    return new Mapped(mapped + suffix, n.change);
                }
            }
        }
        return null;
    }
}
