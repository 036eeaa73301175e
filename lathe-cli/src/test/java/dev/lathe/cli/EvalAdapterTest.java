package dev.lathe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lathe.models.load.LoadedModel;
import dev.lathe.models.load.ModelLoader;
import dev.lathe.tune.peft.TargetModules;
import dev.lathe.tune.peft.lora.LoraAdapters;
import dev.lathe.tune.peft.lora.LoraConfig;
import dev.lathe.tune.peft.lora.LoraModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lathe eval --adapter} / {@code --compare-adapter} on TinyStories-656K with small LoRA adapters
 * written here in PEFT's format (B random, so they change the model): the adapter changes perplexity,
 * base vs base+adapter reports both systems with the adapter's fingerprint, and an adapter that does
 * not fit the base fails with one line.
 */
class EvalAdapterTest {
    static final String MODEL = EvalCommandTest.MODEL;
    static final String DATA = EvalCommandTest.DATA;

    @TempDir
    static Path dir;

    static Path adapterA;
    static Path adapterB;

    @BeforeAll
    static void writeAdapters() throws Exception {
        System.setProperty("lathe.cache", dir.resolve("cache").toString());
        adapterA = dir.resolve("lora-a");
        adapterB = dir.resolve("lora-b");
        try (LoadedModel base = ModelLoader.loadFolder(Path.of(MODEL))) {
            LoraConfig config = LoraConfig.of(2, 4, TargetModules.of("q_proj", "v_proj")).withInitLoraWeights(false);
            LoraAdapters.save(LoraModel.create(base.model(), "default", config, 1), "default", adapterA);
            LoraConfig other = LoraConfig.of(4, 8, TargetModules.of("o_proj", "down_proj")).withInitLoraWeights(false);
            LoraAdapters.save(LoraModel.create(base.model(), "default", other, 2), "default", adapterB);
        }
    }

    @AfterAll
    static void restore() {
        System.clearProperty("lathe.cache");
    }

    static double perplexity(Path json) throws Exception {
        return EvalCommandTest.readJson(json).get("systems").get(0).get("metrics").get(0).get("value").asDouble();
    }

    @Test
    void anAdapterChangesPerplexityAndIsFingerprintedInTheReport() throws Exception {
        Path plain = dir.resolve("plain.json");
        Path tuned = dir.resolve("tuned.json");
        ModelCommandsTest.ok("eval", "--model", MODEL, "--data", DATA, "--task", "perplexity", "--limit", "3",
                "--bootstrap-samples", "0", "--json", plain.toString());
        ModelCommandsTest.ok("eval", "--model", MODEL, "--adapter", adapterA.toString(), "--data", DATA, "--task",
                "perplexity", "--limit", "3", "--bootstrap-samples", "0", "--json", tuned.toString());
        assertThat(perplexity(tuned)).isNotEqualTo(perplexity(plain)).isGreaterThan(1);
        JsonNode sys = EvalCommandTest.readJson(tuned).get("systems").get(0);
        assertThat(sys.get("name").asText()).isEqualTo("TinyStories-656K+lora-a");
        assertThat(sys.get("adapter").get("path").asText()).isEqualTo(adapterA.toString());
        assertThat(sys.get("adapter").get("fingerprint").get("adapter_model.safetensors").asText()).hasSize(64);
        assertThat(sys.get("adapter").get("fingerprint").get("adapter_config.json").asText()).hasSize(64);
        assertThat(EvalCommandTest.readJson(plain).get("systems").get(0).get("adapter").isNull()).isTrue();

        // Generation decodes through the KV cache with the merged weights.
        Path gen = dir.resolve("gen.json");
        ModelCommandsTest.ok("eval", "--model", MODEL, "--adapter", adapterA.toString(), "--data", DATA,
                "--metrics", "bleu", "--max-tokens", "6", "--limit", "2", "--bootstrap-samples", "0", "--json",
                gen.toString());
        JsonNode g = EvalCommandTest.readJson(gen);
        assertThat(g.get("systems").get(0).get("adapter").get("path").asText()).isEqualTo(adapterA.toString());
        assertThat(g.get("systems").get(0).get("timings").get("generated_tokens").asInt()).isBetween(2, 12);
    }

    @Test
    void compareAdapterAloneComparesTheBaseWithTheBasePlusAdapter() throws Exception {
        Path json = dir.resolve("cmp.json");
        Path html = dir.resolve("cmp.html");
        ModelCommandsTest.Result r = ModelCommandsTest.ok("eval", "--model", MODEL, "--compare-adapter",
                adapterA.toString(), "--data", DATA, "--task", "perplexity", "--limit", "3", "--bootstrap-samples",
                "50", "--json", json.toString(), "--html", html.toString());
        assertThat(r.out()).contains("TinyStories-656K+lora-a", "p-value");
        JsonNode j = EvalCommandTest.readJson(json);
        assertThat(j.get("systems")).hasSize(2);
        assertThat(j.get("systems").get(0).get("name").asText()).isEqualTo("TinyStories-656K");
        assertThat(j.get("systems").get(0).get("adapter").isNull()).isTrue();
        assertThat(j.get("systems").get(1).get("adapter").get("path").asText()).isEqualTo(adapterA.toString());
        double a = j.get("systems").get(0).get("metrics").get(0).get("value").asDouble();
        double b = j.get("systems").get(1).get("metrics").get(0).get("value").asDouble();
        assertThat(j.get("comparison").get(0).get("delta").asDouble()).isCloseTo(b - a, org.assertj.core.data.Offset
                .offset(1e-9)).isNotZero();
        assertThat(Files.readString(html)).contains("adapter " + adapterA, "adapter_model.safetensors");

        // Two adapters on the same base: both systems carry their own adapter.
        Path two = dir.resolve("two.json");
        ModelCommandsTest.ok("eval", "--model", MODEL, "--adapter", adapterA.toString(), "--compare-adapter",
                adapterB.toString(), "--data", DATA, "--task", "perplexity", "--limit", "2", "--bootstrap-samples",
                "20", "--json", two.toString());
        JsonNode t = EvalCommandTest.readJson(two);
        assertThat(t.get("systems").get(0).get("name").asText()).isEqualTo("TinyStories-656K+lora-a");
        assertThat(t.get("systems").get(1).get("name").asText()).isEqualTo("TinyStories-656K+lora-b");
    }

    @Test
    void anAdapterThatDoesNotFitTheBaseFailsWithOneLine() throws Exception {
        Path bad = dir.resolve("lora-bad");
        Files.createDirectories(bad);
        for (String f : new String[] {"adapter_model.safetensors", "adapter_config.json"}) {
            Files.copy(adapterA.resolve(f), bad.resolve(f));
        }
        Path config = bad.resolve("adapter_config.json");
        String text = Files.readString(config);
        assertThat(text).contains("\"r\": 2,");
        Files.writeString(config, text.replace("\"r\": 2,", "\"r\": 3,"));
        ModelCommandsTest.Result r = ModelCommandsTest.run("eval", "--model", MODEL, "--adapter", bad.toString(),
                "--data", DATA, "--task", "perplexity", "--limit", "1");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("lathe eval: ").contains("has shape", "lora_A.weight",
                "expected [3, 128]");
        assertThat(r.err().strip().lines().filter(l -> l.startsWith("lathe eval:")).count()).isEqualTo(1);
        assertThat(ModelCommandsTest.run("eval", "--model", MODEL, "--adapter", dir.resolve("nope").toString(),
                "--data", DATA, "--task", "perplexity").err()).contains("no such adapter folder");
    }
}
