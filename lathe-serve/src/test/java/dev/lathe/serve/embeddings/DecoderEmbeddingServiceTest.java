package dev.lathe.serve.embeddings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.config.ModelConfig;
import dev.lathe.models.family.DecoderFamilies;
import dev.lathe.models.family.DecoderModel;
import dev.lathe.models.family.WeightSource;
import dev.lathe.models.tokenizer.Tokenizer;
import dev.lathe.models.tokenizer.TokenizerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decoder path on a tiny random Llama and a real WordLevel tokenizer written in the test: each
 * vector is the model's mean-pooled final hidden state (checked against PyTorch in lathe-models),
 * L2 normalised, in input order, with the tokens counted.
 */
class DecoderEmbeddingServiceTest {
    private static final int V = 12;

    @TempDir
    Path dir;

    private static DecoderModel tinyLlama() {
        ModelConfig c = ModelConfig.parse("""
                {"model_type": "llama", "vocab_size": 12, "hidden_size": 8, "intermediate_size": 12,
                 "num_hidden_layers": 2, "num_attention_heads": 2, "num_key_value_heads": 1,
                 "max_position_embeddings": 32, "tie_word_embeddings": true}""", null, "config.json");
        Map<String, Tensor> w = new HashMap<>();
        long seed = 11;
        w.put("model.embed_tokens.weight", Tensor.randn(seed++, V, 8));
        for (int l = 0; l < 2; l++) {
            String p = "model.layers." + l + ".";
            w.put(p + "input_layernorm.weight", Tensor.full(1f, 8));
            w.put(p + "post_attention_layernorm.weight", Tensor.full(1f, 8));
            w.put(p + "self_attn.q_proj.weight", Tensor.randn(seed++, 8, 8));
            w.put(p + "self_attn.k_proj.weight", Tensor.randn(seed++, 4, 8));
            w.put(p + "self_attn.v_proj.weight", Tensor.randn(seed++, 4, 8));
            w.put(p + "self_attn.o_proj.weight", Tensor.randn(seed++, 8, 8));
            w.put(p + "mlp.gate_proj.weight", Tensor.randn(seed++, 12, 8));
            w.put(p + "mlp.up_proj.weight", Tensor.randn(seed++, 12, 8));
            w.put(p + "mlp.down_proj.weight", Tensor.randn(seed++, 8, 12));
        }
        w.put("model.norm.weight", Tensor.full(1f, 8));
        return DecoderFamilies.build(c, WeightSource.of(w, "memory"));
    }

    private Tokenizer wordLevel() throws Exception {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, """
                {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
                 "normalizer": null, "pre_tokenizer": {"type": "Whitespace"}, "post_processor": null,
                 "decoder": null, "model": {"type": "WordLevel", "unk_token": "<unk>", "vocab": {"<unk>": 0,
                 "the": 1, "cat": 2, "sat": 3, "on": 4, "mat": 5, "a": 6, "dog": 7, "ran": 8, ".": 9, "big": 10,
                 "red": 11}}}""");
        return Tokenizer.fromJson(file, TokenizerConfig.EMPTY);
    }

    @Test
    void vectorsAreNormalisedMeanHiddenStatesInInputOrder() throws Exception {
        DecoderModel model = tinyLlama();
        try (Tokenizer tok = wordLevel()) {
            EmbeddingService service = EmbeddingService.decoder("tiny", model, tok, false);
            assertThat(service.dimensions()).isEqualTo(8);
            List<String> texts = List.of("the cat sat on the mat .", "a big red dog ran", "the cat sat on the mat .");
            Embeddings e = service.embed(new EmbeddingInput.Texts(texts), null);
            assertThat(e.promptTokens()).isEqualTo(7 + 5 + 7);
            for (int i = 0; i < texts.size(); i++) {
                float[] mean = model.meanPooledHiddenState(tok.encode(texts.get(i), true));
                double norm = 0;
                for (float x : mean) {
                    norm += x * x;
                }
                float[] v = e.vectors().get(i);
                double unit = 0;
                for (int c = 0; c < v.length; c++) {
                    assertThat((double) v[c]).isCloseTo(mean[c] / Math.sqrt(norm), org.assertj.core.data.Offset.offset(1e-6));
                    unit += v[c] * v[c];
                }
                assertThat(unit).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
            }
            assertThat(e.vectors().get(0)).containsExactly(e.vectors().get(2));
            assertThat(e.vectors().get(0)).isNotEqualTo(e.vectors().get(1));
        }
    }
}
