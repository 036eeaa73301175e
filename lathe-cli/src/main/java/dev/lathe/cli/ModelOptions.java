package dev.lathe.cli;

import dev.lathe.models.load.ModelSpec;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model} and {@code --tokenizer}, shared by the commands that load a model. */
final class ModelOptions {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
            description = "A Hugging Face model folder, hf:Org/Name[@revision], a .gguf file, or a llama2.c .bin "
                    + "checkpoint (with --tokenizer).")
    String model;

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "The llama2.c tokenizer .bin of a llama2.c checkpoint.")
    Path tokenizer;

    ModelSpec spec() {
        return ModelSpec.parse(model, tokenizer);
    }
}
