package dev.lathe.tune.peft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.tune.peft.ia3.IA3Config;
import dev.lathe.tune.peft.lora.LoraConfig;
import dev.lathe.tune.peft.prefix.PrefixTuningConfig;
import dev.lathe.tune.peft.prompt.PromptTuningConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The registry from PEFT's {@code peft_type} to the config reader of the method that implements it: the
 * one place that knows which {@code adapter_config.json} Lathe can read.
 */
public final class AdapterConfigs {
    /** The adapter folder's config file, as PEFT names it. */
    public static final String CONFIG_FILE = "adapter_config.json";
    /** The adapter folder's weights file, as PEFT names it. */
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, BiFunction<JsonNode, String, AdapterConfig>> READERS =
            Map.of("LORA", LoraConfig::fromJson, "IA3", IA3Config::fromJson,
                    "PROMPT_TUNING", PromptTuningConfig::fromJson, "PREFIX_TUNING", PrefixTuningConfig::fromJson);

    private AdapterConfigs() {}

    /** Reads {@code dir/adapter_config.json} (or {@code dir} itself when it is the file). */
    public static AdapterConfig read(Path dir) throws IOException {
        Path file = Files.isDirectory(dir) ? dir.resolve(CONFIG_FILE) : dir;
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no adapter config (expected PEFT's " + CONFIG_FILE + ")");
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getMessage(), e);
        }
        String type = root == null ? null : root.path("peft_type").asText(null);
        BiFunction<JsonNode, String, AdapterConfig> reader = type == null ? null : READERS.get(type);
        if (reader == null) {
            throw new IllegalArgumentException(file + ": peft_type " + (type == null ? "is missing"
                    : "'" + type + "' is not supported") + "; Lathe reads " + READERS.keySet());
        }
        return reader.apply(root, file.toString());
    }
}
