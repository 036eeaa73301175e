package dev.lathe.models.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.engine.op.RopeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Reads Hugging Face config JSON into a {@link ModelConfig}: one field-name table per family and the
 * defaults transformers applies when a field is absent. Fields the architecture cannot do without have
 * no default: their absence is an error naming the file and the field.
 */
final class ConfigParser {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConfigParser() {}

    static ModelConfig read(Path dir) throws IOException {
        Path config = dir.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            throw new IllegalArgumentException("no config.json in " + dir);
        }
        Path generation = dir.resolve("generation_config.json");
        String genText = Files.isRegularFile(generation) ? Files.readString(generation) : null;
        return parse(Files.readString(config), genText, config.toString());
    }

    static ModelConfig parse(String configJson, String generationConfigJson, String source) {
        JsonNode root = tree(configJson, source);
        JsonNode gen = generationConfigJson == null ? null : tree(generationConfigJson, source
                .replace("config.json", "generation_config.json"));
        Fields f = new Fields(root, source);
        String modelType = f.requiredString("model_type");
        ModelFamily family = ModelFamily.ofModelType(modelType);
        if (family == null) {
            throw new IllegalArgumentException(source + ": model_type \"" + modelType + "\" is not supported"
                    + " (supported: llama, mistral, qwen2, gpt2, bert)");
        }
        return switch (family) {
            case LLAMA, QWEN2 -> llama(f, family, modelType, gen);
            case GPT2 -> gpt2(f, modelType, gen);
            case BERT -> bert(f, modelType, gen);
        };
    }

    private static ModelConfig llama(Fields f, ModelFamily family, String modelType, JsonNode gen) {
        int hidden = f.requiredInt("hidden_size");
        int heads = f.requiredInt("num_attention_heads");
        int kvHeads = f.optInt("num_key_value_heads", heads);
        int headDim = f.optInt("head_dim", -1);
        if (headDim < 0) {
            headDim = f.divide(hidden, heads, "hidden_size", "num_attention_heads", true);
        }
        if (kvHeads < 1 || heads % kvHeads != 0) {
            throw f.error("num_key_value_heads", kvHeads + " must divide num_attention_heads = " + heads);
        }
        boolean qwen = family == ModelFamily.QWEN2;
        boolean attentionBias = f.optBool("attention_bias", false);
        int maxPositions = f.optInt("max_position_embeddings", switch (modelType) {
            case "qwen2" -> 32768;
            case "mistral" -> 131072; // transformers' defaults
            default -> 2048;
        });
        Rope rope = rope(f, maxPositions);
        int layers = f.requiredInt("num_hidden_layers");
        int context = Math.min(maxPositions, slidingWindow(f, modelType, layers));
        return new ModelConfig(family, modelType, f.requiredInt("vocab_size"), hidden,
                f.requiredInt("intermediate_size"), layers, heads, kvHeads, headDim,
                context, f.optDouble("rms_norm_eps", 1e-6),
                rope.theta(), rope.scaling(), f.optBool("tie_word_embeddings", false),
                activation(f, "hidden_act", "silu"), qwen || attentionBias, !qwen && attentionBias,
                f.optBool("mlp_bias", false), tokenId(f, gen, "bos_token_id"), eos(f, gen),
                tokenId(f, null, "pad_token_id"), dtype(f), 0);
    }

    /**
     * The attention window of a Mistral or Qwen2 config, or {@link Integer#MAX_VALUE} when every layer
     * attends to the whole context. Lathe's attention is not windowed; up to the window the two compute
     * the same (a token attends to itself and the window - 1 tokens before it), past it they differ, so
     * the context is capped at the window instead of computing other numbers beyond it. As transformers
     * reads them: Mistral's {@code sliding_window} is 4096 when absent and off when null; Qwen2's applies
     * only with {@code use_sliding_window} and only when some layer slides ({@code layer_types}, else the
     * layers from {@code max_window_layers} on).
     */
    private static int slidingWindow(Fields f, String modelType, int layers) {
        int none = Integer.MAX_VALUE;
        JsonNode window = f.root.get("sliding_window");
        switch (modelType) {
            case "mistral" -> {
                return window == null ? 4096 : window.isNull() ? none : f.optInt("sliding_window", none);
            }
            case "qwen2" -> {
                if (!f.optBool("use_sliding_window", false) || (window != null && window.isNull())) {
                    return none;
                }
                JsonNode types = f.root.get("layer_types");
                boolean anySliding = false;
                if (types != null && types.isArray()) {
                    for (JsonNode t : types) {
                        anySliding |= "sliding_attention".equals(t.asText());
                    }
                } else {
                    JsonNode first = f.root.get("max_window_layers");
                    anySliding = (first == null || first.isNull() ? 28 : first.asInt()) < layers;
                }
                return !anySliding ? none : window == null ? 4096 : f.optInt("sliding_window", none);
            }
            default -> {
                return none;
            }
        }
    }

    private static ModelConfig gpt2(Fields f, String modelType, JsonNode gen) {
        int hidden = f.requiredInt("n_embd");
        int heads = f.requiredInt("n_head");
        int inner = f.optInt("n_inner", 4 * hidden); // null in most configs: 4 * n_embd
        // Lathe's attention divides scores by sqrt(head_dim) in every layer, as GPT-2 does by default.
        if (!f.optBool("scale_attn_weights", true)) {
            throw f.error("scale_attn_weights", "= false is not supported: Lathe scales attention scores by"
                    + " 1/sqrt(head_dim)");
        }
        if (f.optBool("scale_attn_by_inverse_layer_idx", false)) {
            throw f.error("scale_attn_by_inverse_layer_idx", "= true is not supported: Lathe does not divide layer"
                    + " i's attention scores by i + 1");
        }
        return new ModelConfig(ModelFamily.GPT2, modelType, f.requiredInt("vocab_size"), hidden, inner,
                f.requiredInt("n_layer"), heads, heads, f.divide(hidden, heads, "n_embd", "n_head", false),
                f.requiredInt("n_positions"), f.optDouble("layer_norm_epsilon", 1e-5), 10000.0,
                new RopeConfig.None(), f.optBool("tie_word_embeddings", true),
                activation(f, "activation_function", "gelu_new"), true, true, true,
                tokenId(f, gen, "bos_token_id"), eos(f, gen), tokenId(f, null, "pad_token_id"),
                dtype(f), 0);
    }

    private static ModelConfig bert(Fields f, String modelType, JsonNode gen) {
        int hidden = f.requiredInt("hidden_size");
        int heads = f.requiredInt("num_attention_heads");
        String positions = f.optString("position_embedding_type");
        if (positions != null && !positions.equals("absolute")) {
            // relative_key / relative_key_query add a distance embedding to the scores that the encoder lacks.
            throw f.error("position_embedding_type", "\"" + positions + "\" is not supported (only \"absolute\")");
        }
        if (f.optBool("is_decoder", false)) {
            // transformers then makes the self-attention causal; Lathe's encoder is bidirectional.
            throw f.error("is_decoder", "= true is not supported: Lathe's BERT encoder attends in both directions");
        }
        Activation act = activation(f, "hidden_act", "gelu");
        if (act == Activation.SILU) {
            throw f.error("hidden_act", "\"" + f.optString("hidden_act") + "\" is not supported for BERT (gelu,"
                    + " gelu_new, gelu_pytorch_tanh)");
        }
        return new ModelConfig(ModelFamily.BERT, modelType, f.requiredInt("vocab_size"), hidden,
                f.requiredInt("intermediate_size"), f.requiredInt("num_hidden_layers"), heads, heads,
                f.divide(hidden, heads, "hidden_size", "num_attention_heads", false),
                f.optInt("max_position_embeddings", 512), f.optDouble("layer_norm_eps", 1e-12), 10000.0,
                new RopeConfig.None(), f.optBool("tie_word_embeddings", true), act, true, true, true,
                tokenId(f, gen, "bos_token_id"), eos(f, gen), tokenId(f, null, "pad_token_id"),
                dtype(f), f.optInt("type_vocab_size", 2));
    }

    /** {@code torch_dtype}, or {@code dtype} as transformers 5 names it. */
    private static String dtype(Fields f) {
        String old = f.optString("torch_dtype");
        return old != null ? old : f.optString("dtype");
    }

    private static Activation activation(Fields f, String field, String fallback) {
        String name = f.optString(field);
        Activation a = Activation.ofHfName(name == null ? fallback : name);
        if (a == null) {
            throw f.error(field, "\"" + name + "\" is not a supported activation (silu, gelu, gelu_new,"
                    + " gelu_pytorch_tanh)");
        }
        return a;
    }

    /** The RoPE base and scaling a config describes. */
    private record Rope(double theta, RopeConfig.Scaling scaling) {}

    /**
     * RoPE settings in either of Hugging Face's layouts: transformers 4 wrote {@code rope_theta} and
     * {@code rope_scaling} at the top level; transformers 5 writes one {@code rope_parameters} object holding
     * {@code rope_type}, {@code rope_theta} and the scaling fields. As transformers 5 reads them: a non-null
     * {@code rope_scaling} wins over {@code rope_parameters}, and {@code rope_theta} comes from the chosen
     * object first, then the top level, then 10000. Per-layer-type parameters and partial rotary embeddings
     * are refused: Lathe's Llama family rotates every dimension of every layer alike.
     */
    private static Rope rope(Fields f, int maxPositions) {
        JsonNode legacy = f.root.get("rope_scaling");
        boolean useLegacy = legacy != null && !legacy.isNull();
        String field = useLegacy ? "rope_scaling" : "rope_parameters";
        JsonNode rs = useLegacy ? legacy : f.root.get("rope_parameters");
        if (rs == null || rs.isNull()) {
            rejectPartialRotary(f, f);
            return new Rope(f.optDouble("rope_theta", 10000.0), new RopeConfig.None());
        }
        if (!rs.isObject()) {
            throw f.error(field, "must be an object or null, got " + rs);
        }
        for (var e : rs.properties()) {
            if (e.getValue().isObject()) {
                throw f.error(field, "holds per-layer-type RoPE parameters (\"" + e.getKey() + "\"), which Lathe's"
                        + " " + f.optString("model_type") + " family does not support (one set for all layers)");
            }
        }
        Fields s = new Fields(rs, f.source, field + ".");
        rejectPartialRotary(f, s);
        double theta = s.root.hasNonNull("rope_theta") ? s.optDouble("rope_theta", 0) : f.optDouble("rope_theta", 10000.0);
        String type = s.optString("rope_type");
        if (type == null) {
            type = s.optString("type");
        }
        if (type == null) {
            type = useLegacy ? s.requiredString("type") : "default";
        }
        try {
            return new Rope(theta, switch (type) {
                case "default" -> new RopeConfig.None();
                case "linear" -> new RopeConfig.Linear(s.requiredDouble("factor"));
                case "llama3" -> new RopeConfig.Llama3(s.requiredDouble("factor"), s.requiredDouble("low_freq_factor"),
                        s.requiredDouble("high_freq_factor"),
                        s.optInt("original_max_position_embeddings", maxPositions)); // transformers' default too
                default -> throw f.error(field, "type \"" + type + "\" is not supported (default, linear, llama3)");
            });
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith(f.source)) {
                throw e;
            }
            throw f.error(field, e.getMessage());
        }
    }

    /** {@code partial_rotary_factor} below 1 rotates only part of each head: not what the Llama family computes. */
    private static void rejectPartialRotary(Fields top, Fields where) {
        for (Fields at : new Fields[] {where, top}) {
            JsonNode v = at.root.get("partial_rotary_factor");
            if (v != null && !v.isNull() && !(v.isNumber() && v.doubleValue() == 1.0)) {
                throw at.error("partial_rotary_factor", "= " + v + " is not supported: Lathe rotates the whole head"
                        + " (only 1.0)");
            }
        }
    }

    /** A token id from the generation config when it sets one, else from the config. */
    private static OptionalInt tokenId(Fields f, JsonNode gen, String field) {
        JsonNode v = gen != null && gen.hasNonNull(field) ? gen.get(field) : f.root.get(field);
        if (v == null || v.isNull()) {
            return OptionalInt.empty();
        }
        if (!v.canConvertToInt()) {
            throw f.error(field, "must be an integer token id, got " + v);
        }
        return OptionalInt.of(v.intValue());
    }

    /** {@code eos_token_id}: an integer or a list of them, generation config first. */
    private static List<Integer> eos(Fields f, JsonNode gen) {
        JsonNode v = gen != null && gen.hasNonNull("eos_token_id") ? gen.get("eos_token_id") : f.root.get("eos_token_id");
        List<Integer> ids = new ArrayList<>();
        if (v == null || v.isNull()) {
            return ids;
        }
        if (v.isArray()) {
            for (JsonNode e : v) {
                if (!e.canConvertToInt()) {
                    throw f.error("eos_token_id", "list holds a non-integer " + e);
                }
                ids.add(e.intValue());
            }
        } else if (v.canConvertToInt()) {
            ids.add(v.intValue());
        } else {
            throw f.error("eos_token_id", "must be an integer or a list of integers, got " + v);
        }
        return ids;
    }

    private static JsonNode tree(String text, String source) {
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException(source + ": not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": invalid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Typed access to one JSON object's fields, with errors naming the file and field. */
    private static final class Fields {
        final JsonNode root;
        final String source;
        final String prefix;

        Fields(JsonNode root, String source) {
            this(root, source, "");
        }

        Fields(JsonNode root, String source, String prefix) {
            this.root = root;
            this.source = source;
            this.prefix = prefix;
        }

        IllegalArgumentException error(String field, String what) {
            return new IllegalArgumentException(source + ": field \"" + prefix + field + "\" " + what);
        }

        private JsonNode required(String field) {
            JsonNode v = root.get(field);
            if (v == null || v.isNull()) {
                throw error(field, "is required but missing");
            }
            return v;
        }

        int requiredInt(String field) {
            return asInt(field, required(field));
        }

        int optInt(String field, int fallback) {
            JsonNode v = root.get(field);
            return v == null || v.isNull() ? fallback : asInt(field, v);
        }

        private int asInt(String field, JsonNode v) {
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 1) {
                throw error(field, "must be a positive integer, got " + v);
            }
            return v.intValue();
        }

        double requiredDouble(String field) {
            return asDouble(field, required(field));
        }

        double optDouble(String field, double fallback) {
            JsonNode v = root.get(field);
            return v == null || v.isNull() ? fallback : asDouble(field, v);
        }

        private double asDouble(String field, JsonNode v) {
            if (!v.isNumber() || !Double.isFinite(v.doubleValue()) || v.doubleValue() <= 0) {
                throw error(field, "must be a positive number, got " + v);
            }
            return v.doubleValue();
        }

        boolean optBool(String field, boolean fallback) {
            JsonNode v = root.get(field);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!v.isBoolean()) {
                throw error(field, "must be true or false, got " + v);
            }
            return v.booleanValue();
        }

        String requiredString(String field) {
            JsonNode v = required(field);
            if (!v.isTextual()) {
                throw error(field, "must be a string, got " + v);
            }
            return v.textValue();
        }

        String optString(String field) {
            JsonNode v = root.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isTextual()) {
                throw error(field, "must be a string, got " + v);
            }
            return v.textValue();
        }

        /** {@code total / parts}; {@code headDimHint}: the family accepts an explicit head_dim instead. */
        int divide(int total, int parts, String totalField, String partsField, boolean headDimHint) {
            if (total % parts != 0) {
                throw error(totalField, "= " + total + " is not divisible by " + partsField + " = " + parts
                        + (headDimHint ? " (set head_dim explicitly)" : ""));
            }
            return total / parts;
        }
    }
}
