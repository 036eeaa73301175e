package dev.lathe.serve.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.models.load.LoadedModel;
import dev.lathe.models.load.ModelLoader;
import dev.lathe.serve.ServerConfig;
import dev.lathe.serve.TestServer;
import dev.lathe.tune.peft.TargetModules;
import dev.lathe.tune.peft.lora.LoraAdapters;
import dev.lathe.tune.peft.lora.LoraConfig;
import dev.lathe.tune.peft.lora.LoraModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Named adapters (PEFT LoRA folders written by lathe-tune) served beside their base: each answers
 * differently from the base, the base is untouched by the merge, adapters unload least recently used
 * under the memory budget, and the reload route picks up a re-saved adapter and a newly configured one.
 */
class AdapterServingTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PROMPT = "{\"model\": \"%s\", \"prompt\": \"Once upon a time\", \"max_tokens\": 12,"
            + " \"temperature\": 0}";

    @TempDir
    Path dir;

    /** Writes a LoRA adapter on q/v with non-zero B (so it changes the output), drawn from {@code seed}. */
    static void saveAdapter(Path to, long seed) throws Exception {
        try (LoadedModel base = ModelLoader.loadFolder(TestServer.TINY_STORIES)) {
            LoraConfig config = LoraConfig.of(4, 16, TargetModules.of("q_proj", "v_proj")).withInitLoraWeights(false);
            LoraModel lora = LoraModel.create(base.model(), "default", config, seed);
            LoraAdapters.save(lora, "default", to);
        }
    }

    String complete(TestServer server, String model) throws Exception {
        var r = server.post("/v1/completions", PROMPT.formatted(model));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).at("/choices/0/text").asText();
    }

    @Test
    void adaptersAnswerDifferentlyUnloadUnderTheBudgetAndReloadWhenResaved() throws Exception {
        saveAdapter(dir.resolve("a"), 1);
        saveAdapter(dir.resolve("b"), 2);
        Path config = dir.resolve("serve.yaml");
        String yaml = """
                port: 0
                models: [{name: tiny, model: %s}]
                adapter_memory_mb: 0
                adapters:
                  - {name: bot-a, base: tiny, path: a}
                  - {name: bot-b, base: tiny, path: b}
                """.formatted(TestServer.TINY_STORIES);
        Files.writeString(config, yaml);
        try (TestServer server = new TestServer(ServerConfig.read(config), config)) {
            String base = complete(server, "tiny");
            String a = complete(server, "bot-a");
            assertThat(a).isNotEqualTo(base);
            assertThat(complete(server, "tiny")).as("the merge copied, the base is untouched").isEqualTo(base);
            assertThat(JSON.readTree(server.get("/v1/models").body()).findValuesAsText("id"))
                    .containsExactly("tiny", "bot-a", "bot-b");

            String b = complete(server, "bot-b");
            assertThat(b).isNotEqualTo(a);
            assertThat(server.log).anyMatch(l -> l.contains("unloaded adapter 'bot-a'"));
            assertThat(complete(server, "bot-a")).as("reloaded on use, same weights").isEqualTo(a);

            Thread.sleep(20); // a later modification time
            saveAdapter(dir.resolve("a"), 3);
            Files.writeString(config, yaml + "  - {name: bot-c, base: tiny, path: b}\n");
            var reload = server.post("/admin/reload", "{}");
            assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
            assertThat(reload.body()).contains("unloaded changed adapter bot-a").contains("added adapter bot-c");
            assertThat(complete(server, "bot-a")).isNotEqualTo(a);
            assertThat(complete(server, "bot-c")).isEqualTo(b);
        }
    }

    @Test
    void aMergedAdapterCountsOnlyTheProjectionsItCopied() throws Exception {
        saveAdapter(dir.resolve("a"), 1);
        try (LoadedModel base = ModelLoader.loadFolder(TestServer.TINY_STORIES)) {
            LoraModel lora = LoraAdapters.load(ReadOnlyWeights.of(base.model()), dir.resolve("a"), 0);
            lora.merge();
            // q (128x128) and v (64x128) in 2 layers, F32
            assertThat(ModelRegistry.copiedBytes(lora.mergedModel())).isEqualTo(2L * (128 * 128 + 64 * 128) * 4);
        }
    }
}
