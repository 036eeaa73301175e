package dev.lathe.models.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Config options with which transformers computes something Lathe's families do not: refused with the
 * field named, or (sliding-window attention) confined to where both compute the same. Each one changes
 * transformers 5.17.0's outputs on the hf-tiny fixtures (GPT-2 logits by up to 1.9 and 7.2, BERT hidden
 * states by 2.4, Mistral logits by up to 3.0 from the first position past the window).
 */
class UnsupportedConfigOptionsTest {

    private static ModelConfig mistral(String extra) {
        return ModelConfig.parse("{\"model_type\": \"mistral\", \"vocab_size\": 10, \"hidden_size\": 8,"
                + " \"intermediate_size\": 12, \"num_hidden_layers\": 2, \"num_attention_heads\": 4,"
                + " \"max_position_embeddings\": 32768" + extra + "}", null, "m/config.json");
    }

    private static ModelConfig qwen2(String extra) {
        return ModelConfig.parse("{\"model_type\": \"qwen2\", \"vocab_size\": 10, \"hidden_size\": 8,"
                + " \"intermediate_size\": 12, \"num_hidden_layers\": 4, \"num_attention_heads\": 4,"
                + " \"max_position_embeddings\": 32768" + extra + "}", null, "q/config.json");
    }

    private static String gpt2(String extra) {
        return "{\"model_type\": \"gpt2\", \"vocab_size\": 10, \"n_embd\": 8, \"n_layer\": 2, \"n_head\": 2,"
                + " \"n_positions\": 16" + extra + "}";
    }

    @Test
    void aMistralSlidingWindowCapsTheContextWhereFullAttentionStillAgrees() {
        assertThat(mistral(", \"sliding_window\": 4096").maxPositionEmbeddings()).isEqualTo(4096);
        assertThat(mistral("").maxPositionEmbeddings()).isEqualTo(4096); // transformers' default window
        assertThat(mistral(", \"sliding_window\": null").maxPositionEmbeddings()).isEqualTo(32768);
        assertThat(mistral(", \"sliding_window\": 65536").maxPositionEmbeddings()).isEqualTo(32768);
    }

    @Test
    void aMistralConfigWrittenByLatheReadsBackWithItsWholeContext() {
        ModelConfig c = mistral(", \"sliding_window\": null");
        assertThat(ModelConfig.parse(c.toJson(), null, "w/config.json")).isEqualTo(c);
        ModelConfig capped = mistral(", \"sliding_window\": 512");
        assertThat(ModelConfig.parse(capped.toJson(), null, "w/config.json")).isEqualTo(capped);
    }

    @Test
    void aQwen2SlidingWindowCountsOnlyWhenEnabledAndSomeLayerSlides() {
        assertThat(qwen2(", \"sliding_window\": 1024").maxPositionEmbeddings()).isEqualTo(32768); // off by default
        assertThat(qwen2(", \"use_sliding_window\": true, \"sliding_window\": 1024, \"max_window_layers\": 4")
                .maxPositionEmbeddings()).isEqualTo(32768); // no layer from 4 on in a 4-layer model
        assertThat(qwen2(", \"use_sliding_window\": true, \"sliding_window\": 1024, \"max_window_layers\": 2")
                .maxPositionEmbeddings()).isEqualTo(1024);
        assertThat(qwen2(", \"use_sliding_window\": true, \"sliding_window\": 1024, \"layer_types\":"
                + " [\"full_attention\", \"sliding_attention\", \"full_attention\", \"full_attention\"]")
                .maxPositionEmbeddings()).isEqualTo(1024);
        assertThat(qwen2(", \"use_sliding_window\": false, \"sliding_window\": 1024, \"layer_types\":"
                + " [\"sliding_attention\", \"sliding_attention\", \"sliding_attention\", \"sliding_attention\"]")
                .maxPositionEmbeddings()).isEqualTo(32768);
    }

    @Test
    void gpt2AttentionScalingVariantsAreRefused() {
        assertThatThrownBy(() -> ModelConfig.parse(gpt2(", \"scale_attn_by_inverse_layer_idx\": true"), null,
                "g/config.json")).hasMessageContaining("g/config.json")
                .hasMessageContaining("scale_attn_by_inverse_layer_idx");
        assertThatThrownBy(() -> ModelConfig.parse(gpt2(", \"scale_attn_weights\": false"), null, "g/config.json"))
                .hasMessageContaining("scale_attn_weights");
        assertThat(ModelConfig.parse(gpt2(", \"scale_attn_weights\": true, \"scale_attn_by_inverse_layer_idx\": false,"
                + " \"reorder_and_upcast_attn\": true"), null, "g/config.json").family()).isEqualTo(ModelFamily.GPT2);
    }

    @Test
    void aCausalBertIsRefused() {
        String bert = "{\"model_type\": \"bert\", \"vocab_size\": 10, \"hidden_size\": 8, \"intermediate_size\": 12,"
                + " \"num_hidden_layers\": 1, \"num_attention_heads\": 2, \"is_decoder\": %s}";
        assertThatThrownBy(() -> ModelConfig.parse(bert.formatted("true"), null, "b/config.json"))
                .hasMessageContaining("b/config.json").hasMessageContaining("is_decoder");
        assertThat(ModelConfig.parse(bert.formatted("false"), null, "b/config.json").family())
                .isEqualTo(ModelFamily.BERT);
    }
}
