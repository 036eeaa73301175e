package dev.lathe.tune.peft.lora;

import dev.lathe.engine.io.AtomicFile;
import dev.lathe.engine.io.AtomicFolder;
import dev.lathe.engine.tensor.DType;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.family.DecoderModel;
import dev.lathe.models.format.safetensors.SafetensorsFile;
import dev.lathe.models.format.safetensors.SafetensorsWriter;
import dev.lathe.tune.peft.AdapterBase;
import dev.lathe.tune.peft.AdapterConfigs;
import dev.lathe.tune.peft.DecoderModules;
import dev.lathe.tune.peft.PeftJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Saves and loads LoRA adapters in Hugging Face PEFT's folder format: {@code adapter_config.json}
 * (every field PEFT writes, laid out as PEFT writes it) and {@code adapter_model.safetensors} with PEFT's
 * tensor names {@code base_model.model.<module>.lora_A.weight} (R, in) and {@code .lora_B.weight} (out, R),
 * without the adapter name, F32. Each file is replaced atomically; the config goes last, so a folder with
 * a config has complete weights. Loading checks every tensor against the base model and names the file
 * and tensor of any defect.
 */
public final class LoraAdapters {
    private LoraAdapters() {}

    /** Writes adapter {@code name} of {@code model} as folder {@code dir}, replacing any folder there as a whole. */
    public static void save(LoraModel model, String name, Path dir) throws IOException {
        LoraConfig config = model.config(name);
        AtomicFolder.replace(dir, tmp -> {
            SafetensorsWriter.write(tmp.resolve(AdapterConfigs.WEIGHTS_FILE), model.adapterStateDict(name),
                    Map.of("format", "pt"));
            AtomicFile.write(tmp.resolve(AdapterConfigs.CONFIG_FILE), PeftJson.writeAdapterConfig(config.toJson()).getBytes(StandardCharsets.UTF_8));
        });
    }

    /** Loads the adapter in {@code dir} onto {@code base} as adapter "default" (PEFT's default name), active. */
    public static LoraModel load(DecoderModel base, Path dir, long seed) throws IOException {
        LoraModel m = new LoraModel(base, seed);
        load(m, "default", dir);
        return m;
    }

    /** As {@link #load(DecoderModel, Path, long)} on a decoder or BERT encoder. */
    public static LoraModel load(AdapterBase base, Path dir, long seed) throws IOException {
        LoraModel m = new LoraModel(base, seed);
        load(m, "default", dir);
        return m;
    }

    /** Loads the adapter in {@code dir} into {@code model} as adapter {@code name}. */
    public static void load(LoraModel model, String name, Path dir) throws IOException {
        Path configFile = dir.resolve(AdapterConfigs.CONFIG_FILE);
        if (!Files.isRegularFile(configFile)) {
            throw new IllegalArgumentException(dir + ": no " + AdapterConfigs.CONFIG_FILE + " (not a PEFT adapter folder)");
        }
        LoraConfig config = LoraConfig.read(configFile);
        Path file = dir.resolve(AdapterConfigs.WEIGHTS_FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(dir + ": no " + AdapterConfigs.WEIGHTS_FILE
                    + " (Lathe reads safetensors adapters only, not adapter_model.bin)");
        }
        Map<String, Tensor[]> weights = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            Set<String> unused = new TreeSet<>(f.names());
            for (DecoderModules.Module m : model.targets(name, config)) {
                String prefix = "base_model.model." + m.path();
                Tensor a = read(f, file, prefix + ".lora_A.weight", config.r(), m.inFeatures(), unused);
                Tensor b = read(f, file, prefix + ".lora_B.weight", m.outFeatures(), config.r(), unused);
                weights.put(m.path(), new Tensor[] {a, b});
            }
            if (!unused.isEmpty()) {
                throw new IllegalArgumentException(file + ": tensor " + unused.iterator().next() + " matches no"
                        + " module that target_modules " + config.targetModules() + " selects in the base model"
                        + (unused.size() > 1 ? " (and " + (unused.size() - 1) + " more)" : ""));
            }
        }
        model.put(name, config, weights);
    }

    private static Tensor read(SafetensorsFile f, Path file, String key, int rows, int cols, Set<String> unused) {
        if (!f.names().contains(key)) {
            throw new IllegalArgumentException(file + ": tensor " + key + " is missing");
        }
        unused.remove(key);
        Tensor t = f.tensor(key);
        if (!Arrays.equals(t.shape(), new int[] {rows, cols})) {
            throw new IllegalArgumentException(file + ": tensor " + key + " has shape " + Arrays.toString(t.shape())
                    + ", expected [" + rows + ", " + cols + "] for this base model and r");
        }
        // Copy out of the mapping (the file closes) into a writable F32 tensor an optimizer may update.
        return t.dtype() == DType.F32 ? t.copyContiguous() : t.to(DType.F32);
    }
}
