package dev.lathe.models.format.gguf;

import dev.lathe.engine.testing.BundledModels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.models.format.HfModelFiles;
import dev.lathe.models.format.llama2c.Llama2cCheckpoint;
import dev.lathe.models.format.llama2c.Llama2cTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufConversionTest {
    @TempDir
    Path dir;

    static HfModelFiles stories260K() throws IOException {
        Path base = BundledModels.stories260K();
        Llama2cCheckpoint c = Llama2cCheckpoint.read(base.resolve("stories260K.bin"));
        return c.toHuggingFace(Llama2cTokenizer.read(base.resolve("tok512.bin"), c.vocabSize()));
    }

    private Path toGguf(HfModelFiles hf, GgmlType type) throws IOException {
        Path p = dir.resolve("stories260K-" + type + ".gguf");
        HfToGguf.write(p, hf.config(), hf.tensors(), hf.tokenizerJson(), hf.tokenizerConfig(), type);
        return p;
    }

    @Test
    void stories260KConvertedToGgufAndBackIsTheSameModel() throws IOException {
        HfModelFiles hf = stories260K();
        GgufFile gguf = GgufFile.open(toGguf(hf, GgmlType.F32));
        assertThat(gguf.string("general.architecture", null)).isEqualTo("llama");
        assertThat(gguf.require("llama.block_count").type()).isEqualTo(GgufValueType.UINT32);
        assertThat(gguf.integer("llama.attention.head_count_kv", 0)).isEqualTo(4);
        assertThat(gguf.require("llama.attention.layer_norm_rms_epsilon").type()).isEqualTo(GgufValueType.FLOAT32);
        assertThat(gguf.integer("llama.rope.dimension_count", 0)).isEqualTo(8);
        assertThat(gguf.tensorInfos()).containsKeys("token_embd.weight", "blk.4.ffn_gate.weight", "output_norm.weight")
                .doesNotContainKey("output.weight");
        // In GGUF, q/k are in llama.cpp's interleaved layout: for llama2.c, exactly its own rows.
        assertThat(gguf.tensor("blk.0.attn_q.weight").toFloatArray()).containsExactly(RopeLayout
                .halvesToInterleaved(hf.tensors().get("model.layers.0.self_attn.q_proj.weight"), 8).toFloatArray());
        assertThat(gguf.tensorInfos().get("blk.0.attn_q.weight").shape()).containsExactly(64, 64);

        HfModelFiles back = GgufToHf.convert(gguf);
        assertThat(back.tensors().keySet()).containsExactlyInAnyOrderElementsOf(hf.tensors().keySet());
        for (var e : hf.tensors().entrySet()) {
            assertThat(back.tensors().get(e.getKey()).toFloatArray()).as(e.getKey())
                    .containsExactly(e.getValue().toFloatArray());
        }
        for (String key : List.of("model_type", "hidden_size", "intermediate_size", "num_hidden_layers",
                "num_attention_heads", "num_key_value_heads", "vocab_size", "max_position_embeddings",
                "tie_word_embeddings", "bos_token_id", "eos_token_id")) {
            assertThat(back.config().get(key)).as(key).isEqualTo(hf.config().get(key));
        }
        assertThat(back.config().get("rms_norm_eps").asDouble()).isEqualTo(1e-5, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(back.config().get("rope_theta").asDouble()).isEqualTo(10000.0);
        assertThat(back.tokenizerJson()).isEqualTo(hf.tokenizerJson());
        assertThat(back.tokenizerConfig()).isEqualTo(hf.tokenizerConfig());
    }

    @Test
    void aQ8ZeroGgufDequantizesCloseToTheOriginal() throws IOException {
        HfModelFiles hf = stories260K();
        GgufFile gguf = GgufFile.open(toGguf(hf, GgmlType.Q8_0));
        assertThat(gguf.tensorInfos().get("blk.0.ffn_down.weight").type()).isEqualTo(GgmlType.F32); // 172 % 32 != 0
        assertThat(gguf.tensorInfos().get("blk.0.ffn_up.weight").type()).isEqualTo(GgmlType.Q8_0);
        assertThat(gguf.tensorInfos().get("blk.0.attn_norm.weight").type()).isEqualTo(GgmlType.F32);
        assertThat(gguf.integer("general.quantization_version", 0)).isEqualTo(2);
        HfModelFiles back = GgufToHf.convert(gguf);
        for (var e : hf.tensors().entrySet()) {
            GgufFileTest.assertClose(back.tensors().get(e.getKey()).toFloatArray(), e.getValue().toFloatArray(), 127);
        }
    }

    @Test
    void eachFamilyMapsTensorNamesBothWays() {
        assertThat(GgufFamily.LLAMA.toHf("blk.12.attn_q.weight"))
                .isEqualTo(new GgufFamily.Mapped("model.layers.12.self_attn.q_proj.weight", GgufFamily.Change.ROPE_Q));
        assertThat(GgufFamily.LLAMA.toGguf("model.layers.3.mlp.down_proj.weight").name()).isEqualTo("blk.3.ffn_down.weight");
        assertThat(GgufFamily.LLAMA.toGguf("lm_head.weight").name()).isEqualTo("output.weight");
        assertThat(GgufFamily.QWEN2.toHf("blk.0.attn_k.bias"))
                .isEqualTo(new GgufFamily.Mapped("model.layers.0.self_attn.k_proj.bias", GgufFamily.Change.NONE));
        assertThat(GgufFamily.GPT2.toHf("blk.2.attn_qkv.weight"))
                .isEqualTo(new GgufFamily.Mapped("transformer.h.2.attn.c_attn.weight", GgufFamily.Change.TRANSPOSE));
        assertThat(GgufFamily.GPT2.toGguf("transformer.wpe.weight").name()).isEqualTo("position_embd.weight");
        assertThat(GgufFamily.LLAMA.toHf("blk.x.attn_q.weight")).isNull();
        assertThat(GgufFamily.LLAMA.toHf("mystery.weight")).isNull();
    }

    @Test
    void aGpt2StyleTokenizerBecomesAByteLevelTokenizerJson() throws Exception {
        List<String> tokens = List.of("a", "b", "ab", "Ġ", "Ġab", "<|endoftext|>");
        int[] types = {1, 1, 1, 1, 1, GgufTokenizer.CONTROL};
        GgufTokenizer t = new GgufTokenizer("gpt2", "default", tokens, null, types, List.of("a b", "Ġ ab"),
                5, 5, -1, -1, false, false, "{{ messages }}");
        Path json = dir.resolve("tokenizer.json");
        Files.write(json, new ObjectMapper().writeValueAsBytes(t.tokenizerJson()));
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(json, Map.of())) {
            assertThat(hf.encode("ab ab").getIds()).containsExactly(2, 4);
            assertThat(hf.decode(new long[] {2, 4})).isEqualTo("ab ab");
        }
        assertThat(t.tokenizerConfig().get("chat_template").asText()).isEqualTo("{{ messages }}");
        assertThat(t.tokenizerConfig().get("eos_token").asText()).isEqualTo("<|endoftext|>");
        // and back through GGUF metadata
        GgufWriter w = new GgufWriter();
        w.put("general.architecture", GgufValue.string("gpt2"));
        t.toGguf(w);
        Path p = dir.resolve("tok.gguf");
        w.write(p);
        GgufTokenizer read = GgufTokenizer.fromGguf(GgufFile.open(p));
        assertThat(read.tokenizerJson()).isEqualTo(t.tokenizerJson());
        assertThat(read.tokenizerConfig()).isEqualTo(t.tokenizerConfig());
    }

    @Test
    void missingOrUnknownArchitecturesAreNamed() throws IOException {
        GgufWriter w = new GgufWriter();
        w.put("general.architecture", GgufValue.string("mamba"));
        Path p = dir.resolve("m.gguf");
        w.write(p);
        assertThatThrownBy(() -> GgufToHf.convert(GgufFile.open(p))).isInstanceOf(GgufFormatException.class)
                .hasMessageContainingAll("m.gguf", "architecture 'mamba'");
        GgufWriter w2 = new GgufWriter();
        w2.put("general.architecture", GgufValue.string("llama"));
        w2.put("llama.embedding_length", GgufValue.u32(8));
        Path p2 = dir.resolve("l.gguf");
        w2.write(p2);
        assertThatThrownBy(() -> GgufToHf.convert(GgufFile.open(p2))).hasMessageContainingAll("l.gguf", "num_hidden_layers");
    }

    @Test
    void scoresDeriveMergesAsHuggingFacesConverterDoes() {
        // "ab" (score -1) and "abc" (-2, splits "a"+"bc" and "ab"+"c"), "bc" (-0.5).
        List<String> merges = SentencePieceMerges.fromScores(List.of("a", "b", "c", "ab", "bc", "abc"),
                new float[] {0, 0, 0, -1, -0.5f, -2});
        assertThat(merges).containsExactly("b c", "a b", "a bc", "ab c");
    }
}
