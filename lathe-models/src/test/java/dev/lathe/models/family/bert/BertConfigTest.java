package dev.lathe.models.family.bert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BertConfigTest {
    private static final String MINILM = """
            {"architectures": ["BertModel"], "model_type": "bert", "hidden_act": "gelu", "hidden_size": 384,
             "intermediate_size": 1536, "layer_norm_eps": 1e-12, "max_position_embeddings": 512,
             "num_attention_heads": 12, "num_hidden_layers": 6, "pad_token_id": 0,
             "position_embedding_type": "absolute", "type_vocab_size": 2, "vocab_size": 30522}
            """;

    @Test
    void parsesTheFieldsOfAHuggingFaceBertConfig() {
        BertConfig c = BertConfig.parse(MINILM);
        assertThat(c).isEqualTo(new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12f, "gelu"));
        assertThat(c.headSize()).isEqualTo(32);
        assertThat(c.tanhApproximateGelu()).isFalse();
    }

    @Test
    void writtenJsonParsesBackToTheSameConfig() {
        BertConfig c = BertConfig.parse(MINILM);
        assertThat(BertConfig.parse(c.toJson())).isEqualTo(c);
    }

    @Test
    void missingOrInconsistentFieldsAreNamed() {
        assertThatThrownBy(() -> BertConfig.parse(MINILM.replace("\"hidden_size\": 384,", "")))
                .hasMessageContaining("hidden_size").hasMessageContaining("missing");
        assertThatThrownBy(() -> BertConfig.parse(MINILM.replace("\"num_attention_heads\": 12", "\"num_attention_heads\": 7")))
                .hasMessageContaining("not a multiple of num_attention_heads 7");
        assertThatThrownBy(() -> BertConfig.parse(MINILM.replace("\"gelu\"", "\"relu\"")))
                .hasMessageContaining("hidden_act");
        assertThatThrownBy(() -> BertConfig.parse(MINILM.replace("\"absolute\"", "\"relative_key\"")))
                .hasMessageContaining("position_embedding_type");
        assertThatThrownBy(() -> BertConfig.parse("[1]")).hasMessageContaining("JSON object");
    }
}
