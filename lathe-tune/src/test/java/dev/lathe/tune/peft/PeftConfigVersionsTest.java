package dev.lathe.tune.peft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.tune.peft.prompt.PromptTuningConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Configs of other PEFT versions: fields a newer PEFT adds load when they leave the computation as it is (an
 * unknown field, or VeLoRA, which only changes the backward pass), and are rejected by name when they change
 * what the adapter computes (PEFT 0.21's KaSA, MonteCLoRA, aLoRA, block-diagonal LoRA, Arrow). The configs
 * start from the ones PEFT 0.21.0 wrote in peft-interop/peft/ and peft-interop/configs/.
 */
class PeftConfigVersionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path withField(String peftCase, String field, String jsonValue) throws Exception {
        ObjectNode config = (ObjectNode) JSON.readTree(PeftRows.resource("peft-interop/peft/" + peftCase + "/"
                + AdapterConfigs.CONFIG_FILE).toFile());
        config.set(field, JSON.readTree(jsonValue));
        Path dir = Files.createDirectories(tmp.resolve(peftCase));
        Files.writeString(dir.resolve(AdapterConfigs.CONFIG_FILE), PeftJson.write(config));
        return dir;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama-lora-qv", "llama-ia3", "llama-prompt", "llama-prefix"})
    void aFieldLatheDoesNotKnowIsToleratedOnLoad(String peftCase) throws Exception {
        Path original = PeftRows.resource("peft-interop/peft/" + peftCase);
        Path dir = withField(peftCase, "a_field_of_a_future_peft", "{\"enabled\": true}");
        assertThat(AdapterConfigs.read(dir)).isEqualTo(AdapterConfigs.read(original));
    }

    @Test
    void veloraChangesOnlyTheBackwardPassSoItLoadsAsPlainLora() throws Exception {
        Path dir = withField("llama-lora-qv", "velora_config", "{\"rank\": 2}");
        assertThat(AdapterConfigs.read(dir)).isEqualTo(AdapterConfigs.read(PeftRows.resource("peft-interop/peft/llama-lora-qv")));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"kasa_config", "monteclora_config", "alora_invocation_tokens", "use_bdlora", "arrow_config"})
    void aLoraVariantThatChangesTheOutputIsRejectedByName(String field) throws Exception {
        Path dir = withField("llama-lora-qv", field, field.equals("alora_invocation_tokens") ? "[5, 9]" : "{\"x\": 1}");
        assertThatThrownBy(() -> AdapterConfigs.read(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(field).hasMessageContaining("Lathe's LoRA does not support");
    }

    @Test
    void aTextInitialisedPromptConfigIsWhatPeftWritesForTheSameValues() throws Exception {
        Path sample = PeftRows.resource("peft-interop/configs/llama-prompt-text-init");
        try (PeftRows.Base base = PeftRows.base("llama")) {
            PromptTuningConfig config = PromptTuningConfig.of(base.adapterBase(), 8).withTextInit("Classify:", "tiny/tokenizer");
            assertThat(config.toJsonString()).isEqualTo(Files.readString(sample.resolve(AdapterConfigs.CONFIG_FILE)));
            assertThat(AdapterConfigs.read(sample)).isEqualTo(config);
        }
    }

    @Test
    void aPeft0191LoraConfigWithoutTheNewFieldsLoads() throws Exception {
        ObjectNode config = (ObjectNode) JSON.readTree(PeftRows.resource("peft-interop/peft/llama-lora-qv/"
                + AdapterConfigs.CONFIG_FILE).toFile());
        for (String newIn021 : new String[] {"kasa_config", "monteclora_config", "velora_config"}) {
            config.remove(newIn021);
        }
        config.put("peft_version", "0.19.1");
        Path dir = Files.createDirectories(tmp.resolve("old"));
        Files.writeString(dir.resolve(AdapterConfigs.CONFIG_FILE), PeftJson.write(config));
        assertThat(AdapterConfigs.read(dir)).isEqualTo(AdapterConfigs.read(PeftRows.resource("peft-interop/peft/llama-lora-qv")));
    }
}
