package dev.lathe.models.family.bert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The fields of a Hugging Face BERT {@code config.json} that {@link BertModel} needs. Kept small and
 * local to the BERT family on purpose (a general model config can subsume it later).
 *
 * @param vocabSize             V, rows of {@code embeddings.word_embeddings.weight}
 * @param hiddenSize            C
 * @param numHiddenLayers       encoder layers
 * @param numAttentionHeads     H; {@code hiddenSize} must be a multiple (head size D = C / H)
 * @param intermediateSize      feed-forward width
 * @param maxPositionEmbeddings longest sequence (absolute position table rows)
 * @param typeVocabSize         token type (segment) ids
 * @param layerNormEps          LayerNorm epsilon, e.g. 1e-12
 * @param hiddenAct             "gelu" (exact, erf) or "gelu_new"/"gelu_pytorch_tanh" (tanh approximation)
 */
public record BertConfig(int vocabSize, int hiddenSize, int numHiddenLayers, int numAttentionHeads,
        int intermediateSize, int maxPositionEmbeddings, int typeVocabSize, float layerNormEps, String hiddenAct) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public BertConfig {
        requirePositive("vocab_size", vocabSize);
        requirePositive("hidden_size", hiddenSize);
        requirePositive("num_hidden_layers", numHiddenLayers);
        requirePositive("num_attention_heads", numAttentionHeads);
        requirePositive("intermediate_size", intermediateSize);
        requirePositive("max_position_embeddings", maxPositionEmbeddings);
        requirePositive("type_vocab_size", typeVocabSize);
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("BERT config: hidden_size " + hiddenSize
                    + " is not a multiple of num_attention_heads " + numAttentionHeads);
        }
        if (!(layerNormEps > 0) || !Float.isFinite(layerNormEps)) {
            throw new IllegalArgumentException("BERT config: layer_norm_eps must be positive, got " + layerNormEps);
        }
        if (!hiddenAct.equals("gelu") && !tanhGelu(hiddenAct)) {
            throw new IllegalArgumentException("BERT config: hidden_act \"" + hiddenAct
                    + "\" is not supported (expected gelu, gelu_new or gelu_pytorch_tanh)");
        }
    }

    /** Head size D = C / H. */
    public int headSize() {
        return hiddenSize / numAttentionHeads;
    }

    /** Whether the feed-forward activation is GELU's tanh approximation rather than the exact erf form. */
    public boolean tanhApproximateGelu() {
        return tanhGelu(hiddenAct);
    }

    /** Reads {@code config.json}; errors name the file and the missing or bad field. */
    public static BertConfig read(Path configJson) throws IOException {
        try {
            return parse(Files.readString(configJson));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(configJson + ": " + e.getMessage(), e);
        }
    }

    /** Parses the text of a BERT {@code config.json}. */
    public static BertConfig parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("BERT config is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("BERT config must be a JSON object");
        }
        String type = root.path("model_type").asText("bert");
        if (!type.equals("bert")) {
            throw new IllegalArgumentException("BERT config: model_type is \"" + type + "\", expected \"bert\"");
        }
        String positions = root.path("position_embedding_type").asText("absolute");
        if (!positions.equals("absolute")) {
            throw new IllegalArgumentException("BERT config: position_embedding_type \"" + positions
                    + "\" is not supported (only absolute)");
        }
        return new BertConfig(integer(root, "vocab_size"), integer(root, "hidden_size"),
                integer(root, "num_hidden_layers"), integer(root, "num_attention_heads"),
                integer(root, "intermediate_size"), integer(root, "max_position_embeddings"),
                root.has("type_vocab_size") ? integer(root, "type_vocab_size") : 2,
                root.has("layer_norm_eps") ? (float) number(root, "layer_norm_eps") : 1e-12f,
                root.path("hidden_act").asText("gelu"));
    }

    /** This config as a Hugging Face {@code config.json} text (BertModel, F32). */
    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.putArray("architectures").add("BertModel");
        o.put("model_type", "bert");
        o.put("hidden_act", hiddenAct);
        o.put("hidden_size", hiddenSize);
        o.put("intermediate_size", intermediateSize);
        o.put("layer_norm_eps", (double) layerNormEps);
        o.put("max_position_embeddings", maxPositionEmbeddings);
        o.put("num_attention_heads", numAttentionHeads);
        o.put("num_hidden_layers", numHiddenLayers);
        o.put("pad_token_id", 0);
        o.put("position_embedding_type", "absolute");
        o.put("torch_dtype", "float32");
        o.put("type_vocab_size", typeVocabSize);
        o.put("vocab_size", vocabSize);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean tanhGelu(String act) {
        return act.equals("gelu_new") || act.equals("gelu_pytorch_tanh");
    }

    private static int integer(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || !n.canConvertToInt()) {
            throw new IllegalArgumentException("BERT config: field " + field + " is "
                    + (n == null ? "missing" : "not an integer (" + n + ")"));
        }
        return n.intValue();
    }

    private static double number(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || !n.isNumber()) {
            throw new IllegalArgumentException("BERT config: field " + field + " is "
                    + (n == null ? "missing" : "not a number (" + n + ")"));
        }
        return n.doubleValue();
    }

    private static void requirePositive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException("BERT config: " + field + " must be positive, got " + value);
        }
    }
}
