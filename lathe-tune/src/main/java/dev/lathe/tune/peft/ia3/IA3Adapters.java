package dev.lathe.tune.peft.ia3;

import dev.lathe.engine.io.AtomicFile;
import dev.lathe.engine.io.AtomicFolder;
import dev.lathe.engine.tensor.DType;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.format.safetensors.SafetensorsFile;
import dev.lathe.models.format.safetensors.SafetensorsWriter;
import dev.lathe.tune.peft.AdapterBase;
import dev.lathe.tune.peft.AdapterConfigs;
import dev.lathe.tune.peft.PeftJson;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Saves and loads (IA)³ adapters in PEFT's folder format: {@code adapter_config.json} (every field PEFT
 * writes for IA3) and {@code adapter_model.safetensors} with one F32 tensor per target module,
 * {@code base_model.model.<module>.ia3_l}, shaped (1, in) for a feedforward module and (out, 1) otherwise.
 * The weights go first and the config last, each replaced atomically.
 */
public final class IA3Adapters {
    private IA3Adapters() {}

    public static void save(IA3Model model, Path dir) throws IOException {
        AtomicFolder.replace(dir, tmp -> {
            SafetensorsWriter.write(tmp.resolve(AdapterConfigs.WEIGHTS_FILE), model.adapterStateDict(),
                    Map.of("format", "pt"));
            AtomicFile.write(tmp.resolve(AdapterConfigs.CONFIG_FILE),
                    PeftJson.writeAdapterConfig(model.config().toJson()).getBytes(StandardCharsets.UTF_8));
        });
    }

    /** The adapter in {@code dir} on {@code base}; every tensor checked against the base model. */
    public static IA3Model load(AdapterBase base, Path dir) throws IOException {
        Path configFile = dir.resolve(AdapterConfigs.CONFIG_FILE);
        if (!Files.isRegularFile(configFile)) {
            throw new IllegalArgumentException(dir + ": no " + AdapterConfigs.CONFIG_FILE + " (not a PEFT adapter folder)");
        }
        IA3Model model = new IA3Model(base, IA3Config.read(configFile), 0);
        Path file = dir.resolve(AdapterConfigs.WEIGHTS_FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(dir + ": no " + AdapterConfigs.WEIGHTS_FILE
                    + " (Lathe reads safetensors adapters only, not adapter_model.bin)");
        }
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            Set<String> unused = new TreeSet<>(f.names());
            for (Map.Entry<String, Tensor> e : model.adapterStateDict().entrySet()) {
                if (!unused.remove(e.getKey())) {
                    throw new IllegalArgumentException(file + ": tensor " + e.getKey() + " is missing");
                }
                Tensor stored = f.tensor(e.getKey());
                if (!Arrays.equals(stored.shape(), e.getValue().shape())) {
                    throw new IllegalArgumentException(file + ": tensor " + e.getKey() + " has shape "
                            + Arrays.toString(stored.shape()) + ", expected " + Arrays.toString(e.getValue().shape())
                            + " for this base model and feedforward_modules");
                }
                float[] v = (stored.dtype() == DType.F32 ? stored : stored.to(DType.F32)).toFloatArray();
                java.lang.foreign.MemorySegment.copy(v, 0, e.getValue().data(), ValueLayout.JAVA_FLOAT_UNALIGNED, 0,
                        v.length);
            }
            if (!unused.isEmpty()) {
                throw new IllegalArgumentException(file + ": tensor " + unused.iterator().next() + " matches no module"
                        + " that target_modules selects in the base model" + (unused.size() > 1 ? " (and "
                        + (unused.size() - 1) + " more)" : ""));
            }
        }
        return model;
    }
}
