package dev.lathe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.cli.ModelCommandsTest.Result;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.format.safetensors.SafetensorsWriter;
import dev.lathe.models.load.LoadedModel;
import dev.lathe.models.load.ModelLoader;
import dev.lathe.tune.peft.lora.LoraAdapters;
import dev.lathe.tune.peft.lora.LoraModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lathe tune} end to end on a tiny random Llama written by the test (TinyStories-656K's tokenizer,
 * hidden size 16, one layer) and a small prompt/completion file: a few steps of LoRA and of full
 * fine-tuning, the outputs checked and reloaded, flags overriding the recipe, resumption, and the one-line
 * errors for a missing data file, a bad model path and a method not available yet.
 */
class TuneCommandTest {
    static final Path TOKENIZER = ModelCommandsTest.TINY_STORIES;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static Path model;

    @BeforeAll
    static void writeTinyModelAndData() throws IOException {
        System.setProperty("lathe.cache", dir.resolve("cache").toString());
        model = writeTinyModelAndData(dir);
    }

    /** Writes the tiny Llama ({@code tiny-llama/}) and {@code support.jsonl} (40 records, 6 intents) into {@code dir}. */
    static Path writeTinyModelAndData(Path dir) throws IOException {
        Path model = dir.resolve("tiny-llama");
        Files.createDirectories(model);
        int v = 2048, c = 16, f = 32, heads = 2, kvHeads = 1, d = c / heads;
        Files.writeString(model.resolve("config.json"), """
                {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": %d,
                 "intermediate_size": %d, "num_hidden_layers": 1, "num_attention_heads": %d,
                 "num_key_value_heads": %d, "vocab_size": %d, "max_position_embeddings": 128,
                 "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "hidden_act": "silu", "tie_word_embeddings": true,
                 "bos_token_id": 1, "eos_token_id": 2, "torch_dtype": "float32"}
                """.formatted(c, f, heads, kvHeads, v));
        SplittableRandom rng = new SplittableRandom(3);
        Map<String, Tensor> w = new LinkedHashMap<>();
        w.put("model.embed_tokens.weight", random(rng, v, c));
        w.put("model.layers.0.input_layernorm.weight", ones(c));
        w.put("model.layers.0.self_attn.q_proj.weight", random(rng, c, c));
        w.put("model.layers.0.self_attn.k_proj.weight", random(rng, kvHeads * d, c));
        w.put("model.layers.0.self_attn.v_proj.weight", random(rng, kvHeads * d, c));
        w.put("model.layers.0.self_attn.o_proj.weight", random(rng, c, c));
        w.put("model.layers.0.post_attention_layernorm.weight", ones(c));
        w.put("model.layers.0.mlp.gate_proj.weight", random(rng, f, c));
        w.put("model.layers.0.mlp.up_proj.weight", random(rng, f, c));
        w.put("model.layers.0.mlp.down_proj.weight", random(rng, c, f));
        w.put("model.norm.weight", ones(c));
        SafetensorsWriter.write(model.resolve("model.safetensors"), w, Map.of("format", "pt"));
        for (String file : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
            Files.copy(TOKENIZER.resolve(file), model.resolve(file));
        }
        StringBuilder data = new StringBuilder();
        String[] items = {"order", "refund", "invoice", "account", "delivery", "password"};
        for (int i = 0; i < 40; i++) {
            String item = items[i % items.length];
            data.append(JSON.writeValueAsString(Map.of("prompt", "Where is my " + item + " number " + i + "?",
                    "completion", "Your " + item + " " + i + " is on its way.", "intent", item))).append('\n');
        }
        Files.writeString(dir.resolve("support.jsonl"), data);
        return model;
    }

    @AfterAll
    static void restore() {
        System.clearProperty("lathe.cache");
    }

    static Tensor random(SplittableRandom rng, int rows, int cols) {
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rng.nextGaussian() * 0.2);
        }
        return Tensor.of(x, rows, cols);
    }

    static Tensor ones(int n) {
        float[] x = new float[n];
        java.util.Arrays.fill(x, 1f);
        return Tensor.of(x, n);
    }

    /** A recipe in its own folder; data and model given relative to it, as the examples do. */
    static Path recipe(String name, String method, String training) throws IOException {
        Path folder = dir.resolve("recipes");
        Files.createDirectories(folder);
        Path file = folder.resolve(name + ".yaml");
        Files.writeString(file, """
                data: {path: ../support.jsonl, columns: {intent: label}}
                cleaning: {near_duplicates: 0}
                split: {train: 0.7, validation: 0.15, test: 0.15, seed: 1}
                model: {path: ../tiny-llama}
                tokenization: {max_length: 64}
                method: %s
                training: %s
                output: {dir: ../runs}
                """.formatted(method, training));
        return file;
    }

    static List<Path> runs(String name) throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("runs"))) {
            return s.filter(p -> p.getFileName().toString().startsWith(name + "-")).sorted().toList();
        }
    }

    static JsonNode summary(Path run) throws IOException {
        return JSON.readTree(run.resolve("summary.json").toFile());
    }

    static long stepLines(Path run) throws IOException {
        return Files.readAllLines(run.resolve("metrics.jsonl")).stream().filter(l -> l.contains("\"loss\"")).count();
    }

    @Test
    void aLoraRecipeTrainsWritesAPeftAdapterThatReloadsAndFlagsOverrideTheRecipe() throws Exception {
        Path r = recipe("lora", "{type: lora, r: 2, alpha: 4, target_modules: [q_proj, v_proj]}",
                "{max_steps: 50, batch_size: 4, lr: 0.05, save_steps: 1, keep_last: 1, seed: 5}");
        Result first = ModelCommandsTest.ok("tune", r.toString(), "--max-steps", "3", "--batch-size", "2");
        assertThat(first.out()).contains("base model: validation loss", "tuned model: validation loss",
                "tokenized with plain", "step 3/3");
        Path run = runs("lora").getFirst();
        JsonNode s = summary(run);
        assertThat(s.get("steps").asLong()).as("--max-steps 3 overrides max_steps 50").isEqualTo(3);
        assertThat(s.get("overrides").get("batch_size").asInt()).isEqualTo(2);
        assertThat(s.get("method").asText()).isEqualTo("lora");
        assertThat(s.get("validation_before").get("loss").asDouble()).isPositive();
        assertThat(s.get("validation_after").get("loss").asDouble()).isLessThan(s.get("validation_before").get("loss").asDouble());
        assertThat(s.get("test_after").get("perplexity").asDouble()).isPositive();
        assertThat(stepLines(run)).isEqualTo(3);
        assertThat(run.resolve("data_report.json")).exists();
        assertThat(run.resolve("tokenization_report.json")).exists();
        assertThat(run.resolve("checkpoint-3")).exists();
        assertThat(run.resolve("checkpoint-2")).as("keep_last 1").doesNotExist();
        JsonNode adapterConfig = JSON.readTree(run.resolve("adapter/adapter_config.json").toFile());
        assertThat(adapterConfig.get("peft_type").asText()).isEqualTo("LORA");
        assertThat(adapterConfig.get("r").asInt()).isEqualTo(2);
        try (LoadedModel base = ModelLoader.loadFolder(model)) {
            LoraModel tuned = LoraAdapters.load(base.model(), run.resolve("adapter"), 0);
            assertThat(tuned.adapterStateDict("default")).hasSize(4); // A and B on q_proj and v_proj
        }

        // A second run never writes into the first; --resume continues the newest one.
        ModelCommandsTest.ok("tune", r.toString(), "--max-steps", "3", "--batch-size", "2");
        assertThat(runs("lora")).hasSize(2);
        Path newest = runs("lora").getLast();
        Result resumed = ModelCommandsTest.ok("tune", r.toString(), "--max-steps", "5", "--batch-size", "2", "--resume");
        assertThat(resumed.out()).contains("resumed " + newest + " at step 3").contains("step 5/5");
        assertThat(runs("lora")).hasSize(2);
        assertThat(summary(newest).get("steps").asLong()).isEqualTo(5);
        assertThat(stepLines(newest)).isEqualTo(5);
        assertThat(summary(newest).get("validation_before")).isEqualTo(summary(runs("lora").getFirst()).get("validation_before"));
    }

    @Test
    void aFullFineTuningRecipeWritesAModelFolderThatLoads() throws Exception {
        Path r = recipe("full", "{type: full, freeze: ['embed_tokens']}", "{epochs: 1, batch_size: 8, lr: 0.01}");
        ModelCommandsTest.ok("tune", r.toString(), "--output", dir.resolve("full-runs").toString());
        Path run;
        try (Stream<Path> s = Files.list(dir.resolve("full-runs"))) {
            run = s.findFirst().orElseThrow();
        }
        JsonNode s = summary(run);
        assertThat(s.get("steps").asLong()).as("28 training records, batch 8: 4 steps in an epoch").isEqualTo(4);
        assertThat(s.get("trainable_parameters").asLong()).as("everything but the 2048 x 16 embedding")
                .isEqualTo(3 * 16 /* norms */ + 2 * 16 * 16 + 2 * 8 * 16 /* q, o, k, v */ + 3 * 32 * 16 /* mlp */);
        try (LoadedModel tuned = ModelLoader.loadFolder(run.resolve("model"))) {
            assertThat(tuned.model().vocabSize()).isEqualTo(2048);
        }
        Result g = ModelCommandsTest.ok("generate", "-m", run.resolve("model").toString(), "-p", "Where is my order",
                "--max-tokens", "4", "--temperature", "0");
        assertThat(g.err()).contains("generated");
    }

    @Test
    void aMissingDataFileIsOneLineAndExitCodeOne() throws IOException {
        Path r = dir.resolve("recipes/missing-data.yaml");
        Files.createDirectories(r.getParent());
        Files.writeString(r, "data: {path: nowhere.csv}\nmodel: {path: ../tiny-llama}\nmethod: {type: lora}\n");
        Result res = ModelCommandsTest.run("tune", r.toString());
        assertThat(res.code()).isEqualTo(1);
        assertThat(res.err().strip()).startsWith("lathe tune: ").contains("data.path: the dataset")
                .contains("nowhere.csv does not exist").doesNotContain("\n").doesNotContain("Exception");
    }

    @Test
    void aBadModelPathIsOneLineAndExitCodeOne() throws IOException {
        Path r = recipe("bad-model", "{type: lora}", "{max_steps: 1}");
        Files.writeString(r, Files.readString(r).replace("../tiny-llama", "../no-such-model"));
        Result res = ModelCommandsTest.run("tune", r.toString());
        assertThat(res.code()).isEqualTo(1);
        assertThat(res.err().strip()).startsWith("lathe tune: ").contains("model: no such file or folder")
                .doesNotContain("\n");
    }

    @Test
    void promptTuningPrefixTuningAndIa3TrainAndWriteTheirPeftAdapters() throws Exception {
        Map<String, String> methods = Map.of(
                "PROMPT_TUNING", "{type: prompt_tuning, num_virtual_tokens: 4, init_text: Answer the customer}",
                "PREFIX_TUNING", "{type: prefix_tuning, num_virtual_tokens: 3}",
                "IA3", "{type: ia3, target_modules: [k_proj, v_proj, down_proj], feedforward_modules: [down_proj]}");
        for (var m : methods.entrySet()) {
            String name = m.getKey().toLowerCase(java.util.Locale.ROOT);
            Path r = recipe(name, m.getValue(), "{max_steps: 2, batch_size: 4, lr: 0.05}");
            Result res = ModelCommandsTest.ok("tune", r.toString());
            assertThat(res.out()).contains("tuned model: validation loss");
            Path run = runs(name).getFirst();
            JsonNode config = JSON.readTree(run.resolve("adapter/adapter_config.json").toFile());
            assertThat(config.get("peft_type").asText()).isEqualTo(m.getKey());
            assertThat(run.resolve("adapter/adapter_model.safetensors")).exists();
            JsonNode s = summary(run);
            assertThat(s.get("validation_after").get("loss").asDouble())
                    .isNotEqualTo(s.get("validation_before").get("loss").asDouble());
        }
    }

    @Test
    void bitFitOnAModelWithoutBiasesIsRefusedWithTheReason() throws IOException {
        Path r = recipe("bitfit", "{type: bitfit}", "{max_steps: 1}");
        Result res = ModelCommandsTest.run("tune", r.toString());
        assertThat(res.code()).isEqualTo(1);
        assertThat(res.err().strip()).startsWith("lathe tune: ").contains("bias").doesNotContain("\n");
    }

    @Test
    void aClassificationRecipeTrainsAHeadOnTheFrozenDecoderAndSavesATransformersFolder() throws Exception {
        Path r = recipe("classify", "{type: classification, pooling: last, encoder: frozen}",
                "{epochs: 3, batch_size: 8, lr: 0.05, eval_steps: 2, early_stopping: {metric: accuracy, patience: 5}}");
        Result res = ModelCommandsTest.ok("tune", r.toString());
        assertThat(res.out()).contains("classification: 6 labels", "trained: validation accuracy");
        Path run = runs("classify").getFirst();
        JsonNode s = summary(run);
        assertThat(s.get("method").asText()).isEqualTo("classification");
        assertThat(s.get("validation_after").get("accuracy").asDouble()).isBetween(0.0, 1.0);
        assertThat(s.get("test_after").get("macro_f1").asDouble()).isBetween(0.0, 1.0);
        assertThat(s.get("trainable_parameters").asLong()).as("the head only: 6 x 16 score weights").isEqualTo(96);
        JsonNode config = JSON.readTree(run.resolve("classifier/config.json").toFile());
        assertThat(config.get("id2label").size()).isEqualTo(6);
    }

    @Test
    void aPoolingTheEncoderDoesNotHaveIsRefused() throws IOException {
        Path r = recipe("cls-pool", "{type: classification, pooling: cls}", "{max_steps: 1}");
        Result res = ModelCommandsTest.run("tune", r.toString());
        assertThat(res.code()).isEqualTo(1);
        assertThat(res.err()).contains("method.pooling 'cls' is not available for this encoder");
    }

    @Test
    void aRecipeErrorNamesTheLine() throws IOException {
        Path r = recipe("typo", "{type: lora, rank: 4}", "{max_steps: 1}");
        Result res = ModelCommandsTest.run("tune", r.toString());
        assertThat(res.code()).isEqualTo(1);
        assertThat(res.err().strip()).isEqualTo("lathe tune: typo.yaml line 6: method.rank: unknown key; known keys here:"
                + " alpha, dropout, r, rslora, target_modules, target_regex");
    }

    @Test
    void aBadOverrideIsNamedAsItsFlag() throws IOException {
        Path r = recipe("flags", "{type: lora}", "{max_steps: 1}");
        Result res = ModelCommandsTest.run("tune", r.toString(), "--batch-size", "0");
        assertThat(res.code()).isEqualTo(1);
        assertThat(res.err()).contains("lathe tune: --batch-size: must be >= 1, got 0");
    }
}
