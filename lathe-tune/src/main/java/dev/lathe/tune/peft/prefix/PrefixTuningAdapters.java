package dev.lathe.tune.peft.prefix;

import dev.lathe.engine.io.AtomicFile;
import dev.lathe.engine.io.AtomicFolder;
import dev.lathe.models.format.safetensors.SafetensorsWriter;
import dev.lathe.tune.peft.AdapterBase;
import dev.lathe.tune.peft.AdapterConfigs;
import dev.lathe.tune.peft.PeftJson;
import dev.lathe.tune.peft.prompt.PromptTuningAdapters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Saves and loads prefix-tuning adapters in PEFT's folder format: {@code adapter_config.json} and
 * {@code adapter_model.safetensors} holding exactly one F32 tensor, {@code prompt_embeddings}
 * (P, L * 2 * KVH * D), PEFT's {@code prompt_encoder.default.embedding.weight} without projection.
 */
public final class PrefixTuningAdapters {
    private PrefixTuningAdapters() {}

    public static void save(PrefixTuningModel model, Path dir) throws IOException {
        AtomicFolder.replace(dir, tmp -> {
            SafetensorsWriter.write(tmp.resolve(AdapterConfigs.WEIGHTS_FILE), model.adapterStateDict(), Map.of("format", "pt"));
            AtomicFile.write(tmp.resolve(AdapterConfigs.CONFIG_FILE),
                    PeftJson.writeAdapterConfig(model.config().toJson()).getBytes(StandardCharsets.UTF_8));
        });
    }

    public static PrefixTuningModel load(AdapterBase base, Path dir) throws IOException {
        Path configFile = dir.resolve(AdapterConfigs.CONFIG_FILE);
        if (!Files.isRegularFile(configFile)) {
            throw new IllegalArgumentException(dir + ": no " + AdapterConfigs.CONFIG_FILE + " (not a PEFT adapter folder)");
        }
        PrefixTuningConfig config = PrefixTuningConfig.read(configFile);
        return PrefixTuningModel.of(base, config, PromptTuningAdapters.readPromptEmbeddings(dir));
    }
}
