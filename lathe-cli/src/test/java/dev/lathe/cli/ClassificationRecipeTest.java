package dev.lathe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.cli.ModelCommandsTest.Result;
import dev.lathe.engine.io.FileTrees;
import dev.lathe.models.format.safetensors.SafetensorsFile;
import dev.lathe.models.load.LoadedModel;
import dev.lathe.models.load.ModelLoader;
import dev.lathe.tune.classify.DecoderEncoder;
import dev.lathe.tune.classify.LoraClassifiers;
import dev.lathe.tune.classify.SequenceClassifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Classification recipes from the CLI on {@link TuneCommandTest}'s tiny random Llama and support data: a
 * LoRA-adapted decoder saves a PEFT SEQ_CLS adapter; {@code --resume} after a crash (the run folder as a
 * {@code kill -9} leaves it: a later checkpoint half written, log lines past the last checkpoint) continues
 * to exactly the uninterrupted run's losses, evaluations and weights, for a frozen encoder, a fully trained
 * one and a LoRA one; {@code data.test_path} scores a held-out file instead of a share of the data (for a
 * language-model recipe too).
 */
class ClassificationRecipeTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    @BeforeAll
    static void writeTinyModelAndData() throws IOException {
        System.setProperty("lathe.cache", dir.resolve("cache").toString());
        TuneCommandTest.writeTinyModelAndData(dir);
        StringBuilder test = new StringBuilder();
        // The first record repeats support.jsonl's first record exactly: it must leave the training data. The
        // last repeats the second: a test set's own duplicates are test cases and stay.
        String[] items = {"order", "refund", "invoice", "account", "delivery", "password", "refund"};
        for (int i = 0; i < 7; i++) {
            int n = i == 0 ? 0 : i == 6 ? 101 : 100 + i;
            test.append(JSON.writeValueAsString(Map.of("prompt", "Where is my " + items[i] + " number " + n + "?",
                    "completion", "Your " + items[i] + " " + n + " is on its way.", "intent", items[i]))).append('\n');
        }
        Files.writeString(dir.resolve("support-test.jsonl"), test);
    }

    @AfterAll
    static void restore() {
        System.clearProperty("lathe.cache");
    }

    static Path recipe(String name, String data, String split, String method, String training) throws IOException {
        Path folder = dir.resolve("recipes");
        Files.createDirectories(folder);
        Path file = folder.resolve(name + ".yaml");
        Files.writeString(file, """
                data: %s
                cleaning: {near_duplicates: 0}
                split: %s
                model: {path: ../tiny-llama}
                tokenization: {max_length: 64}
                method: %s
                training: %s
                output: {dir: ../runs}
                """.formatted(data, split, method, training));
        return file;
    }

    static final String DATA = "{path: ../support.jsonl, columns: {intent: label}}";
    static final String SPLIT = "{train: 0.7, validation: 0.15, test: 0.15, seed: 1}";

    static Path onlyRun(Path root) throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            List<Path> runs = s.filter(Files::isDirectory).toList();
            assertThat(runs).hasSize(1);
            return runs.getFirst();
        }
    }

    static Path onlyRun(Path root, String name) throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            List<Path> runs = s.filter(p -> p.getFileName().toString().startsWith(name + "-")).toList();
            assertThat(runs).hasSize(1);
            return runs.getFirst();
        }
    }

    static JsonNode json(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }

    @Test
    void aLoraClassificationRecipeOnADecoderSavesAPeftSequenceClassificationAdapter() throws Exception {
        Path r = recipe("cls-lora", DATA, SPLIT, "{type: classification, pooling: last, encoder: lora, r: 2, alpha: 4}",
                "{max_steps: 6, batch_size: 8, lr: 0.02}");
        Path out = dir.resolve("out-lora");
        ModelCommandsTest.ok("tune", r.toString(), "--output", out.toString());
        Path run = onlyRun(out);
        // score 6 x 16, and rank-2 A, B on q_proj (16 -> 16) and v_proj (16 -> 8): 96 + 64 + 48.
        assertThat(json(run.resolve("summary.json")).get("trainable_parameters").asLong()).isEqualTo(208);
        Path adapter = run.resolve("classifier");
        JsonNode config = json(adapter.resolve("adapter_config.json"));
        assertThat(config.get("task_type").asText()).isEqualTo("SEQ_CLS");
        assertThat(config.get("target_modules").toString()).contains("q_proj", "v_proj");
        assertThat(config.get("modules_to_save").toString()).contains("\"score\"");
        try (SafetensorsFile f = SafetensorsFile.open(adapter.resolve("adapter_model.safetensors"))) {
            assertThat(f.names()).containsExactlyInAnyOrder("base_model.model.score.weight",
                    "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",
                    "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight",
                    "base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight",
                    "base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight");
        }
        try (LoadedModel base = ModelLoader.loadFolder(dir.resolve("tiny-llama"))) {
            SequenceClassifier loaded = LoraClassifiers.load(adapter, DecoderEncoder.of(base.model()), 0);
            assertThat(loaded.labels().size()).isEqualTo(6);
            float[] p = loaded.probabilities(List.of(new int[] {1, 40, 41, 42}), 1, 0)[0];
            assertThat(p).hasSize(6);
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    /** {@code (step, loss)} and {@code (step, accuracy)} lines of a run's metrics log, in order. */
    static List<String> curve(Path run) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode n = JSON.readTree(line);
            if (n.has("loss")) {
                out.add(n.get("step") + " loss " + n.get("loss") + " grad_norm " + n.get("grad_norm"));
            } else if (n.has("accuracy")) {
                out.add(n.get("step") + " val_loss " + n.get("val_loss") + " accuracy " + n.get("accuracy"));
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"frozen", "full", "lora"})
    void resumingAfterACrashReproducesTheUninterruptedRun(String encoder) throws Exception {
        Path r = recipe("cls-resume-" + encoder, DATA, SPLIT, "{type: classification, pooling: last, encoder: "
                + encoder + ", r: 2}", "{max_steps: 8, batch_size: 4, lr: 0.05, warmup_steps: 2, save_steps: 2,"
                + " eval_steps: 4, seed: 5}");
        Path whole = dir.resolve("whole-" + encoder);
        assertThat(ModelCommandsTest.ok("tune", r.toString(), "--output", whole.toString()).out())
                .contains("step 1/8", "step 2/8");
        Path a = onlyRun(whole);
        assertThat(a.resolve("checkpoint-2")).isDirectory();

        // The folder as a kill -9 during step 6's checkpoint leaves it: checkpoints 2 and 4 complete (4 is
        // dropped too, so the resumed run redoes six steps), a half-written temporary checkpoint, log lines
        // of steps after the last checkpoint and a line cut short, no outputs.
        Path crashed = dir.resolve("crashed-" + encoder);
        Path b = crashed.resolve(a.getFileName());
        copyTree(a, b);
        for (String gone : List.of("checkpoint-4", "checkpoint-6", "checkpoint-8", "classifier", "summary.json")) {
            FileTrees.delete(b.resolve(gone));
        }
        copyTree(a.resolve("checkpoint-4"), b.resolve(".tmp-checkpoint-6"));
        Files.writeString(b.resolve(".tmp-checkpoint-6/trainer_state.json"), "{\"step\": 6, \"micro");
        List<String> lines = Files.readAllLines(a.resolve("metrics.jsonl"));
        Files.writeString(b.resolve("metrics.jsonl"), String.join("\n", lines.subList(0, lines.size() - 2))
                + "\n{\"step\": 8, \"lo");

        Result resumed = ModelCommandsTest.ok("tune", r.toString(), "--output", crashed.toString(), "--resume");
        // It continues (steps 1 and 2 are not run again) rather than repeating the seeded run from scratch.
        assertThat(resumed.out()).contains("resumed " + b + " at step 2", "step 3/8", "step 8/8")
                .doesNotContain("step 1/8", "step 2/8");
        assertThat(curve(b)).hasSize(8 + 2).isEqualTo(curve(a));
        JsonNode sa = json(a.resolve("summary.json"));
        JsonNode sb = json(b.resolve("summary.json"));
        for (String field : List.of("validation_before", "test_before", "validation_after", "test_after", "steps")) {
            assertThat(sb.get(field)).as(field).isEqualTo(sa.get(field));
        }
        String weights = encoder.equals("lora") ? "adapter_model.safetensors" : "model.safetensors";
        assertThat(Files.readAllBytes(b.resolve("classifier").resolve(weights)))
                .isEqualTo(Files.readAllBytes(a.resolve("classifier").resolve(weights)));
    }

    @Test
    void aHeldOutTestFileIsTheTestSetAndItsTextsLeaveTheTrainingData() throws Exception {
        Path r = recipe("cls-test-file", "{path: ../support.jsonl, columns: {intent: label}, test_path: ../support-test.jsonl}",
                "{train: 0.85, validation: 0.15, test: 0, seed: 1}", "{type: classification, pooling: last}",
                "{max_steps: 3, batch_size: 8, lr: 0.05}");
        Path out = dir.resolve("out-test-file");
        Result res = ModelCommandsTest.ok("tune", r.toString(), "--output", out.toString());
        assertThat(res.out()).contains("test set: ", "7 records read, 7 kept after cleaning");
        Path run = onlyRun(out, "cls-test-file");
        JsonNode s = json(run.resolve("summary.json"));
        assertThat(s.get("records").get("test").asInt()).isEqualTo(7);
        assertThat(s.get("records").get("train").asInt() + s.get("records").get("validation").asInt())
                .as("40 records, one of them also in the test file").isEqualTo(39);
        assertThat(s.get("test_after").get("accuracy").asDouble()).isBetween(0.0, 1.0);
        JsonNode report = json(run.resolve("test_data_report.json")).get("test_set");
        assertThat(report.get("removed_from_train").asInt() + report.get("removed_from_validation").asInt()).isEqualTo(1);

        // Language-model recipes take the same key: the base and tuned models' test loss is on the file.
        Path lm = recipe("lm-test-file", "{path: ../support.jsonl, columns: {intent: label}, test_path:"
                + " ../support-test.jsonl}", "{train: 0.85, validation: 0.15, test: 0, seed: 1}", "{type: lora, r: 2}",
                "{max_steps: 1, batch_size: 4}");
        ModelCommandsTest.ok("tune", lm.toString(), "--output", out.toString());
        JsonNode ls = json(onlyRun(out, "lm-test-file").resolve("summary.json"));
        assertThat(ls.get("sequences").get("test").asInt()).isEqualTo(7);
        assertThat(ls.get("test_before").get("loss").asDouble()).isPositive();
        assertThat(ls.get("test_after").get("loss").asDouble()).isPositive();

        Path both = recipe("cls-test-both", "{path: ../support.jsonl, columns: {intent: label}, test_path:"
                + " ../support-test.jsonl}", SPLIT, "{type: classification, pooling: last}", "{max_steps: 1}");
        Result refused = ModelCommandsTest.run("tune", both.toString(), "--output", out.toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("data.test_path gives the test set, so split.test must be 0 (it is 0.15)");
        Path missing = recipe("cls-test-missing", "{path: ../support.jsonl, columns: {intent: label}, test_path:"
                + " ../nope.jsonl}", "{train: 0.85, validation: 0.15, test: 0}", "{type: classification, pooling: last}",
                "{max_steps: 1}");
        assertThat(ModelCommandsTest.run("tune", missing.toString(), "--output", out.toString()).err())
                .contains("data.test_path: the test file ").contains("nope.jsonl does not exist");
    }
}
