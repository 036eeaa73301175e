package dev.lathe.cli;

import dev.lathe.models.load.LoadedModel;
import dev.lathe.models.load.ModelSpec;
import dev.lathe.tune.peft.AdapterBase;
import dev.lathe.tune.peft.AdapterConfig;
import dev.lathe.tune.peft.AdapterConfigs;
import dev.lathe.tune.peft.MergedCheckpoints;
import dev.lathe.tune.peft.ia3.IA3Adapters;
import dev.lathe.tune.peft.ia3.IA3Config;
import dev.lathe.tune.peft.lora.LoraAdapters;
import dev.lathe.tune.peft.lora.LoraConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lathe models merge}: a PEFT adapter folder (LoRA or IA3, Lathe's or PEFT's) folded into its base model and
 * saved as an ordinary Hugging Face folder (PEFT's {@code merge_and_unload} then {@code save_pretrained}), which
 * every {@code --model} option, transformers and GGUF conversion then load like the base. See
 * {@link MergedCheckpoints}.
 */
@Command(name = "merge", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Merge a LoRA or IA3 adapter into its base model and save a plain Hugging Face folder."})
final class ModelsMergeCommand implements Callable<Integer> {
    /** Dropout seed for loading a LoRA adapter; merging draws nothing. */
    private static final long SEED = 0;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "The base model: a Hugging Face folder or hf:Org/Name[@rev].")
    String model;

    @Option(names = "--adapter", required = true, paramLabel = "DIR",
            description = "PEFT adapter folder (adapter_config.json, adapter_model.safetensors): LoRA or IA3.")
    Path adapter;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "A new (or empty) folder.")
    Path out;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        return CliSupport.guard(err, "models merge", () -> {
            if (Files.isRegularFile(out) || (Files.isDirectory(out) && !isEmpty(out))) {
                throw new IllegalArgumentException("--out " + out + " exists and is not an empty folder; choose a new"
                        + " folder");
            }
            AdapterConfig config = AdapterConfigs.read(adapter);
            try (LoadedModel base = CliSupport.loader(err).load(ModelSpec.parse(model, null))) {
                AdapterBase on = new AdapterBase.Decoder(base.model());
                switch (config) {
                    case LoraConfig c -> MergedCheckpoints.save(LoraAdapters.load(on, adapter, SEED), base.folder(), out);
                    case IA3Config c -> MergedCheckpoints.save(IA3Adapters.load(on, adapter), base.folder(), out);
                    default -> throw new IllegalArgumentException(adapter + ": a " + config.peftType() + " adapter"
                            + " adds virtual tokens rather than changing weights, so it cannot be merged; only LoRA"
                            + " and IA3 adapters can");
                }
            }
            stdout.println("wrote " + out + " (" + model + " with " + config.peftType() + " adapter " + adapter
                    + " merged)");
            return 0;
        });
    }

    private static boolean isEmpty(Path dir) throws java.io.IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }
}
