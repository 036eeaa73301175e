package dev.lathe.models.format.llama2c;

import dev.lathe.engine.testing.BundledModels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.format.HfModelFiles;
import dev.lathe.models.format.gguf.GgufFormatException;
import dev.lathe.models.format.gguf.RopeLayout;
import dev.lathe.models.format.safetensors.SafetensorsFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Llama2cImportTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    static Path resource(String name) {
        return BundledModels.stories260K().resolve(name);
    }

    @Test
    void theStories260KHeaderAndWeightsParse() throws IOException {
        Llama2cCheckpoint c = Llama2cCheckpoint.read(resource("stories260K.bin"));
        assertThat(new int[] {c.dim(), c.hiddenDim(), c.layers(), c.heads(), c.kvHeads(), c.vocabSize(), c.seqLen()})
                .containsExactly(64, 172, 5, 8, 4, 512, 512);
        assertThat(c.sharedClassifier()).isTrue();
        assertThat(c.tensors()).hasSize(2 + 9 * 5).doesNotContainKey("lm_head.weight");
        long params = c.tensors().values().stream().mapToLong(Tensor::numel).sum();
        assertThat(params).isEqualTo(260_032); // the README's count
        assertThat(c.tensors().get("model.layers.4.mlp.down_proj.weight").shape()).containsExactly(64, 172);
        assertThat(c.tensors().get("model.layers.0.self_attn.k_proj.weight").shape()).containsExactly(32, 64);

        // The first float after the header is embedding[0][0]; wq of layer 0 follows rms_att of all layers.
        ByteBuffer raw = ByteBuffer.wrap(Files.readAllBytes(resource("stories260K.bin"))).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(c.tensors().get("model.embed_tokens.weight").get(0, 0)).isEqualTo(raw.getFloat(28));
        int wqAt = 28 + 4 * (512 * 64 + 5 * 64);
        float[] wq = new float[64 * 64];
        raw.position(wqAt);
        raw.asFloatBuffer().get(wq);
        Tensor interleaved = Tensor.of(wq, 64, 64);
        assertThat(c.tensors().get("model.layers.0.self_attn.q_proj.weight").toFloatArray())
                .containsExactly(RopeLayout.interleavedToHalves(interleaved, 8).toFloatArray());
        assertThat(c.config().get("rms_norm_eps").asDouble()).isEqualTo(1e-5);
        assertThat(c.config().get("tie_word_embeddings").asBoolean()).isTrue();
    }

    @Test
    void badCheckpointsAreRejectedNamingTheDefect() throws IOException {
        byte[] good = Files.readAllBytes(resource("stories260K.bin"));
        Path p = dir.resolve("bad.bin");
        Files.write(p, Arrays.copyOf(good, good.length - 4));
        assertThatThrownBy(() -> Llama2cCheckpoint.read(p)).isInstanceOf(GgufFormatException.class)
                .hasMessageContainingAll("bad.bin", "weights", "1056540", "1056536");
        byte[] heads = good.clone();
        heads[12] = 7; // n_heads 7 does not divide dim 64
        Files.write(p, heads);
        assertThatThrownBy(() -> Llama2cCheckpoint.read(p)).hasMessageContainingAll("bad.bin", "n_heads 7");
        byte[] huge = good.clone();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putInt(0, Integer.MAX_VALUE - 1).putInt(4, Integer.MAX_VALUE)
                .putInt(8, Integer.MAX_VALUE).putInt(12, 2).putInt(16, 2);
        Files.write(p, huge);
        assertThatThrownBy(() -> Llama2cCheckpoint.read(p)).isInstanceOf(GgufFormatException.class);
        Files.write(p, Arrays.copyOf(good, 10));
        assertThatThrownBy(() -> Llama2cCheckpoint.read(p)).hasMessageContainingAll("bad.bin", "header", "truncated");
        byte[] tok = Files.readAllBytes(resource("tok512.bin"));
        Files.write(p, Arrays.copyOf(tok, tok.length - 1));
        assertThatThrownBy(() -> Llama2cTokenizer.read(p, 512)).hasMessageContainingAll("bad.bin", "token 511");
        assertThatThrownBy(() -> Llama2cTokenizer.read(resource("tok512.bin"), 500))
                .hasMessageContainingAll("tok512.bin", "bytes follow");
    }

    /** llama2.c's encode (run.c), on its own vocabulary: BOS, dummy " " prefix, byte fallback, best-score merges. */
    static List<Integer> llama2cEncode(String text) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(resource("tok512.bin"))).order(ByteOrder.LITTLE_ENDIAN);
        in.getInt();
        List<String> vocab = new ArrayList<>();
        float[] scores = new float[512];
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < 512; i++) {
            scores[i] = in.getFloat();
            byte[] b = new byte[in.getInt()];
            in.get(b);
            vocab.add(new String(b, StandardCharsets.UTF_8));
            ids.putIfAbsent(vocab.get(i), i);
        }
        List<Integer> tokens = new ArrayList<>(List.of(1));
        if (!text.isEmpty()) {
            tokens.add(ids.get(" "));
        }
        text.codePoints().forEach(cp -> {
            String c = new String(Character.toChars(cp));
            Integer id = ids.get(c);
            if (id != null) {
                tokens.add(id);
            } else {
                for (byte b : c.getBytes(StandardCharsets.UTF_8)) {
                    tokens.add((b & 0xFF) + 3);
                }
            }
        });
        while (true) {
            float best = -1e10f;
            int bestId = -1, bestAt = -1;
            for (int i = 0; i + 1 < tokens.size(); i++) {
                Integer id = ids.get(vocab.get(tokens.get(i)) + vocab.get(tokens.get(i + 1)));
                if (id != null && scores[id] > best) {
                    best = scores[id];
                    bestId = id;
                    bestAt = i;
                }
            }
            if (bestAt < 0) {
                return tokens;
            }
            tokens.set(bestAt, bestId);
            tokens.remove(bestAt + 1);
        }
    }

    @Test
    void theConvertedTokenizerEncodesAsLlama2cDoes() throws Exception {
        Llama2cTokenizer tok = Llama2cTokenizer.read(resource("tok512.bin"), 512);
        Path json = dir.resolve("tokenizer.json");
        Files.write(json, JSON.writeValueAsBytes(tok.tokenizer().tokenizerJson()));
        String story = Files.readString(resource("greedy-once-upon-a-time.txt"));
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(json, Map.of())) {
            for (String text : List.of("Once upon a time", story, "Lily's café: ü €5!", "a  b\n\nc", " x")) {
                Encoding e = hf.encode(text);
                List<Integer> expected = llama2cEncode(text);
                assertThat(Arrays.stream(e.getIds()).mapToInt(v -> (int) v).boxed().toList())
                        .as("ids of %s", text).isEqualTo(expected);
                long[] noBos = Arrays.copyOfRange(e.getIds(), 1, e.getIds().length);
                assertThat(hf.decode(noBos, true)).isEqualTo(text);
            }
            assertThat(hf.encode("Once upon a time").getTokens())
                    .containsExactly("<s>", "▁Once", "▁upon", "▁a", "▁time");
        }
    }

    @Test
    void theTokenizerFilesMirrorAHuggingFaceLlamaTokenizer() throws IOException {
        Llama2cTokenizer tok = Llama2cTokenizer.read(resource("tok512.bin"), 512);
        ObjectNode json = tok.tokenizer().tokenizerJson();
        // Same normalizer and decoder as the TinyStories-656K tokenizer.json (a HF-converted Llama tokenizer).
        JsonNode normalizer = JSON.readTree("""
                {"type":"Sequence","normalizers":[{"type":"Prepend","prepend":"▁"},
                 {"type":"Replace","pattern":{"String":" "},"content":"▁"}]}""");
        JsonNode decoder = JSON.readTree("""
                {"type":"Sequence","decoders":[{"type":"Replace","pattern":{"String":"▁"},"content":" "},
                 {"type":"ByteFallback"},{"type":"Fuse"},{"type":"Strip","content":" ","start":1,"stop":0}]}""");
        assertThat(json.get("normalizer")).isEqualTo(normalizer);
        assertThat(json.get("decoder")).isEqualTo(decoder);
        JsonNode model = json.get("model");
        assertThat(model.get("type").asText()).isEqualTo("BPE");
        assertThat(model.get("byte_fallback").asBoolean()).isTrue();
        assertThat(model.get("vocab")).hasSize(512);
        assertThat(model.get("vocab").get("<0x0A>").asInt()).isEqualTo(13);
        assertThat(model.get("vocab").get("▁the").asInt()).isEqualTo(265);
        assertThat(model.get("merges").get(0).asText()).isEqualTo("▁ t"); // the highest-scored piece
        assertThat(json.get("added_tokens")).extracting(n -> n.get("content").asText())
                .containsExactly("<unk>", "<s>", "</s>");
        ObjectNode cfg = tok.tokenizer().tokenizerConfig();
        assertThat(cfg.get("bos_token").asText()).isEqualTo("<s>");
        assertThat(cfg.get("eos_token").asText()).isEqualTo("</s>");
        assertThat(cfg.get("add_bos_token").asBoolean()).isTrue();
    }

    @Test
    void importWritesAHuggingFaceFolder() throws IOException {
        Path out = dir.resolve("stories260K-hf");
        Llama2cCheckpoint.importTo(resource("stories260K.bin"), resource("tok512.bin"), out);
        assertThat(out.resolve("tokenizer.json")).exists();
        assertThat(out.resolve("tokenizer_config.json")).exists();
        JsonNode config = JSON.readTree(out.resolve("config.json").toFile());
        assertThat(config.get("model_type").asText()).isEqualTo("llama");
        assertThat(config.get("num_key_value_heads").asInt()).isEqualTo(4);
        HfModelFiles expected = Llama2cCheckpoint.read(resource("stories260K.bin")).toHuggingFace(null);
        try (SafetensorsFile st = SafetensorsFile.open(out.resolve("model.safetensors"))) {
            assertThat(st.names()).containsExactlyInAnyOrderElementsOf(expected.tensors().keySet());
            for (var e : expected.tensors().entrySet()) {
                assertThat(st.tensor(e.getKey()).toFloatArray()).as(e.getKey()).containsExactly(e.getValue().toFloatArray());
            }
        }
    }
}
