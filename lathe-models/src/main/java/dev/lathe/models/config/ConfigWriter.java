package dev.lathe.models.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.engine.op.RopeConfig;

/**
 * Writes a {@link ModelConfig} as the Hugging Face {@code config.json} of its family, with the family's
 * field names ({@code n_embd} for GPT-2, {@code layer_norm_eps} for BERT ...), so that converters and
 * importers produce the file from the same description {@link ConfigParser} reads. The inverse of the
 * parser: every written config is parsed back and must equal the original, so a config the family's
 * fields cannot express (a GPT-2 with RoPE, a Llama with q/k/v but no output bias) fails here instead of
 * silently turning into another model when read.
 */
final class ConfigWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConfigWriter() {}

    static String write(ModelConfig c) {
        ObjectNode o = JSON.createObjectNode();
        switch (c.family()) {
            case LLAMA, QWEN2 -> llama(o, c);
            case GPT2 -> gpt2(o, c);
            case BERT -> bert(o, c);
        }
        if (c.bosTokenId().isPresent()) {
            o.put("bos_token_id", c.bosTokenId().getAsInt());
        }
        if (c.eosTokenIds().size() == 1) {
            o.put("eos_token_id", c.eosTokenIds().getFirst());
        } else if (!c.eosTokenIds().isEmpty()) {
            c.eosTokenIds().forEach(o.putArray("eos_token_id")::add);
        }
        if (c.padTokenId().isPresent()) {
            o.put("pad_token_id", c.padTokenId().getAsInt());
        }
        if (c.torchDtype() != null) {
            o.put("torch_dtype", c.torchDtype());
        }
        String text;
        try {
            text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree of plain values always serialises
        }
        ModelConfig back = ConfigParser.parse(text, null, "written config.json");
        if (!back.equals(c)) {
            throw new IllegalArgumentException("this " + c.modelType() + " config cannot be written as a Hugging"
                    + " Face config.json: it would read back as " + back + " instead of " + c);
        }
        return text;
    }

    private static void llama(ObjectNode o, ModelConfig c) {
        o.putArray("architectures").add(switch (c.modelType()) {
            case "mistral" -> "MistralForCausalLM";
            case "qwen2" -> "Qwen2ForCausalLM";
            default -> "LlamaForCausalLM";
        });
        o.put("model_type", c.modelType());
        o.put("vocab_size", c.vocabSize());
        o.put("hidden_size", c.hiddenSize());
        o.put("intermediate_size", c.intermediateSize());
        o.put("num_hidden_layers", c.numHiddenLayers());
        o.put("num_attention_heads", c.numAttentionHeads());
        o.put("num_key_value_heads", c.numKeyValueHeads());
        o.put("head_dim", c.headDim());
        o.put("max_position_embeddings", c.maxPositionEmbeddings());
        if (c.modelType().equals("mistral")) {
            o.putNull("sliding_window"); // the context is already within any window (absent would mean 4096)
        }
        o.put("rms_norm_eps", c.normEps());
        o.put("rope_theta", c.ropeTheta());
        switch (c.ropeScaling()) {
            case RopeConfig.None n -> o.putNull("rope_scaling");
            case RopeConfig.Linear l -> o.putObject("rope_scaling").put("rope_type", "linear")
                    .put("factor", l.factor());
            case RopeConfig.Llama3 l -> o.putObject("rope_scaling").put("rope_type", "llama3")
                    .put("factor", l.factor()).put("low_freq_factor", l.lowFreqFactor())
                    .put("high_freq_factor", l.highFreqFactor())
                    .put("original_max_position_embeddings", l.originalMaxPositions());
        }
        o.put("tie_word_embeddings", c.tieWordEmbeddings());
        o.put("hidden_act", c.hiddenAct().hfName());
        if (c.family() == ModelFamily.LLAMA) {
            o.put("attention_bias", c.qkvBias()); // q/k/v and output together; Qwen2's q/k/v biases are implied
        }
        o.put("mlp_bias", c.mlpBias());
    }

    private static void gpt2(ObjectNode o, ModelConfig c) {
        o.putArray("architectures").add("GPT2LMHeadModel");
        o.put("model_type", c.modelType());
        o.put("vocab_size", c.vocabSize());
        o.put("n_embd", c.hiddenSize());
        o.put("n_layer", c.numHiddenLayers());
        o.put("n_head", c.numAttentionHeads());
        o.put("n_positions", c.maxPositionEmbeddings());
        o.put("n_ctx", c.maxPositionEmbeddings()); // older readers take the context length from here
        o.put("n_inner", c.intermediateSize());
        o.put("activation_function", c.hiddenAct().hfName());
        o.put("layer_norm_epsilon", c.normEps());
        o.put("tie_word_embeddings", c.tieWordEmbeddings());
    }

    private static void bert(ObjectNode o, ModelConfig c) {
        o.putArray("architectures").add("BertModel");
        o.put("model_type", c.modelType());
        o.put("vocab_size", c.vocabSize());
        o.put("hidden_size", c.hiddenSize());
        o.put("intermediate_size", c.intermediateSize());
        o.put("num_hidden_layers", c.numHiddenLayers());
        o.put("num_attention_heads", c.numAttentionHeads());
        o.put("max_position_embeddings", c.maxPositionEmbeddings());
        o.put("type_vocab_size", c.typeVocabSize());
        o.put("layer_norm_eps", c.normEps());
        o.put("hidden_act", c.hiddenAct().hfName());
        o.put("position_embedding_type", "absolute");
        o.put("tie_word_embeddings", c.tieWordEmbeddings());
    }
}
