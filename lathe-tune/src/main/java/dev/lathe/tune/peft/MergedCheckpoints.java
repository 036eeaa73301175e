package dev.lathe.tune.peft;

import dev.lathe.engine.io.AtomicFile;
import dev.lathe.engine.io.AtomicFolder;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.format.Weights;
import dev.lathe.models.format.safetensors.SafetensorsWriter;
import dev.lathe.tune.peft.ia3.IA3Model;
import dev.lathe.tune.peft.lora.LoraModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Saves a base model with a PEFT adapter merged into it as an ordinary Hugging Face checkpoint folder, what
 * PEFT's {@code merge_and_unload()} followed by {@code save_pretrained} gives: the base folder's
 * {@code config.json}, generation and tokenizer files, and one {@code model.safetensors} with every tensor of the
 * base's checkpoint under the base's own name, the targeted modules' weights replaced by the merged ones (in the
 * base tensor's dtype). No adapter tensors or names remain, so the folder loads as the base model does, in Lathe
 * ({@code --model}) and in transformers ({@code from_pretrained}). Methods that can merge: LoRA (the active
 * adapters) and IA3; prompt and prefix tuning add positions rather than change weights, so they cannot.
 */
public final class MergedCheckpoints {
    /** The checkpoint file written (one file, even when the base was sharded). */
    public static final String WEIGHTS_FILE = Weights.SINGLE_FILE;

    /** Files of the base folder copied unchanged when present. */
    public static final List<String> COPIED_FILES = List.of("config.json", "generation_config.json",
            "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "chat_template.jinja",
            "tokenizer.model", "vocab.txt", "vocab.json", "merges.txt", "added_tokens.json");

    private MergedCheckpoints() {}

    /** Writes {@code baseFolder}'s model with {@code lora}'s active adapters merged in as folder {@code dir}. */
    public static void save(LoraModel lora, Path baseFolder, Path dir) throws IOException {
        save(lora.mergedTensors(), baseFolder, dir);
    }

    /** Writes {@code baseFolder}'s model with {@code ia3}'s vectors merged in as folder {@code dir}. */
    public static void save(IA3Model ia3, Path baseFolder, Path dir) throws IOException {
        save(ia3.mergedTensors(), baseFolder, dir);
    }

    /**
     * Writes {@code baseFolder}'s checkpoint as folder {@code dir} (replaced as a whole, atomically) with each
     * of {@code merged} (module path + {@code .weight} or {@code .bias}, as the adapters name them) in place of
     * the base tensor it names. The base's names may carry a model prefix the module paths lack or the other way
     * round ({@code bert.encoder...} for BERT's {@code encoder...}, GPT-2's {@code h.0...} for
     * {@code transformer.h.0...}); a merged tensor matching no base tensor, or several, or of another shape fails.
     */
    public static void save(Map<String, Tensor> merged, Path baseFolder, Path dir) throws IOException {
        if (!Files.isRegularFile(baseFolder.resolve("config.json"))) {
            throw new IllegalArgumentException(baseFolder + ": not a Hugging Face model folder (no config.json);"
                    + " give the folder of the model the adapter was loaded on");
        }
        if (dir.toAbsolutePath().normalize().equals(baseFolder.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException(dir + ": the merged model must go to another folder than its base");
        }
        try (Weights weights = Weights.open(baseFolder)) {
            Map<String, Tensor> out = new TreeMap<>();
            for (String name : weights.names()) {
                out.put(name, weights.tensor(name));
            }
            for (Map.Entry<String, Tensor> e : merged.entrySet()) {
                String name = checkpointName(out.keySet(), e.getKey(), baseFolder);
                Tensor base = out.get(name);
                Tensor value = e.getValue();
                if (!Arrays.equals(base.shape(), value.shape())) {
                    throw new IllegalArgumentException(baseFolder + ": tensor " + name + " has shape "
                            + Arrays.toString(base.shape()) + ", the merged " + e.getKey() + " "
                            + Arrays.toString(value.shape()) + "; was the adapter loaded on this model?");
                }
                out.put(name, value.dtype() == base.dtype() ? value : value.to(base.dtype()));
            }
            AtomicFolder.replace(dir, tmp -> {
                SafetensorsWriter.write(tmp.resolve(WEIGHTS_FILE), new LinkedHashMap<>(out), Map.of("format", "pt"));
                for (String file : COPIED_FILES) {
                    Path src = baseFolder.resolve(file);
                    if (Files.isRegularFile(src)) {
                        AtomicFile.write(tmp.resolve(file), Files.readAllBytes(src));
                    }
                }
            });
        }
    }

    /** The one base tensor {@code mergedName} stands for: the same name, or the same up to a leading prefix. */
    static String checkpointName(Set<String> names, String mergedName, Path baseFolder) {
        if (names.contains(mergedName)) {
            return mergedName;
        }
        List<String> found = new ArrayList<>();
        for (String n : names) {
            if (n.endsWith("." + mergedName) || mergedName.endsWith("." + n)) {
                found.add(n);
            }
        }
        if (found.size() != 1) {
            throw new IllegalArgumentException(baseFolder + ": " + (found.isEmpty() ? "no tensor" : "several tensors "
                    + found) + " for the merged " + mergedName + "; was the adapter loaded on this model?");
        }
        return found.get(0);
    }
}
