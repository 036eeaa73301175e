package dev.lathe.tune.peft.prompt;

import dev.lathe.engine.io.AtomicFile;
import dev.lathe.engine.io.AtomicFolder;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.format.safetensors.SafetensorsFile;
import dev.lathe.models.format.safetensors.SafetensorsWriter;
import dev.lathe.tune.peft.AdapterBase;
import dev.lathe.tune.peft.AdapterConfigs;
import dev.lathe.tune.peft.PeftJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Saves and loads prompt-tuning adapters in PEFT's folder format: {@code adapter_config.json} and
 * {@code adapter_model.safetensors} holding exactly one F32 tensor, {@code prompt_embeddings} (P, C) (PEFT's
 * {@code get_peft_model_state_dict} for prompt learning). Weights first, config last, each atomically.
 */
public final class PromptTuningAdapters {
    /** The one tensor PEFT saves for prompt learning. */
    public static final String TENSOR = "prompt_embeddings";

    private PromptTuningAdapters() {}

    public static void save(PromptTuningModel model, Path dir) throws IOException {
        AtomicFolder.replace(dir, tmp -> {
            SafetensorsWriter.write(tmp.resolve(AdapterConfigs.WEIGHTS_FILE), model.adapterStateDict(), Map.of("format", "pt"));
            AtomicFile.write(tmp.resolve(AdapterConfigs.CONFIG_FILE),
                    PeftJson.writeAdapterConfig(model.config().toJson()).getBytes(StandardCharsets.UTF_8));
        });
    }

    public static PromptTuningModel load(AdapterBase base, Path dir) throws IOException {
        Path configFile = dir.resolve(AdapterConfigs.CONFIG_FILE);
        if (!Files.isRegularFile(configFile)) {
            throw new IllegalArgumentException(dir + ": no " + AdapterConfigs.CONFIG_FILE + " (not a PEFT adapter folder)");
        }
        PromptTuningConfig config = PromptTuningConfig.read(configFile);
        return PromptTuningModel.of(base, config, readPromptEmbeddings(dir));
    }

    /** The {@code prompt_embeddings} tensor of the adapter folder {@code dir}, copied out of the file. */
    public static Tensor readPromptEmbeddings(Path dir) throws IOException {
        Path file = dir.resolve(AdapterConfigs.WEIGHTS_FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(dir + ": no " + AdapterConfigs.WEIGHTS_FILE
                    + " (Lathe reads safetensors adapters only, not adapter_model.bin)");
        }
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            if (!f.names().contains(TENSOR) || f.names().size() != 1) {
                throw new IllegalArgumentException(file + ": a prompt-learning adapter holds exactly one tensor, "
                        + TENSOR + "; found " + f.names());
            }
            return f.tensor(TENSOR).copyContiguous();
        }
    }
}
