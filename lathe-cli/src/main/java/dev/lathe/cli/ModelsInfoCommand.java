package dev.lathe.cli;

import dev.lathe.models.config.ModelConfig;
import dev.lathe.models.hub.ProgressBar;
import dev.lathe.models.load.ModelLoader;
import dev.lathe.models.load.ModelSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lathe models info M}: family, sizes, parameter count, stored types, context, tokenizer and chat
 * template of a model, read from its files without building it (GGUF and llama2.c inputs are converted
 * into Lathe's cache first, as for generation).
 */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Describe a model: family, sizes, parameters, dtype, context, tokenizer, chat template.")
final class ModelsInfoCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "HF folder, hf:Org/Name[@rev], .gguf file, or llama2.c .bin.")
    String model;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "llama2.c tokenizer .bin (llama2.c input).")
    Path tokenizer;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        return CliSupport.guard(err, "models info", () -> {
            ModelLoader.ModelInfo i = CliSupport.loader(err).inspect(ModelSpec.parse(model, tokenizer));
            ModelConfig c = i.config();
            row(out, "model", model + (i.folder().toString().equals(model) ? "" : "  (" + i.folder() + ")"));
            row(out, "family", c.family() + " (model_type " + c.modelType() + ")"
                    + (c.family().isDecoder() ? "" : ", an encoder: embeds text, does not generate"));
            row(out, "parameters", String.format(Locale.ROOT, "%,d (%s)", i.parameters(), human(i.parameters())));
            StringBuilder types = new StringBuilder();
            for (Map.Entry<String, Long> e : i.dtypes().entrySet()) {
                types.append(types.isEmpty() ? "" : ", ").append(e.getKey())
                        .append(i.dtypes().size() > 1 ? String.format(Locale.ROOT, " %,d", e.getValue()) : "");
            }
            row(out, "dtype", types + (c.torchDtype() == null ? "" : " (torch_dtype " + c.torchDtype() + ")")
                    + ", " + ProgressBar.formatBytes(i.weightBytes()));
            row(out, "layers", String.valueOf(c.numHiddenLayers()));
            row(out, "hidden", c.hiddenSize() + " (intermediate " + c.intermediateSize() + ")");
            row(out, "heads", c.numAttentionHeads() + " (kv heads " + c.numKeyValueHeads() + ", head dim "
                    + c.headDim() + ")");
            row(out, "vocab", String.valueOf(c.vocabSize()));
            row(out, "context", String.valueOf(c.maxPositionEmbeddings()));
            row(out, "tokenizer", i.hasTokenizer() ? "tokenizer.json, " + i.tokenizerVocab() + " tokens"
                    + (i.bos() == null ? "" : ", BOS " + i.bos()) + (i.eos() == null ? "" : ", EOS " + i.eos())
                    : "none (no tokenizer.json)");
            row(out, "chat template", i.chatTemplate() ? "yes (the model's own)" : "no (chat uses ChatML)");
            row(out, "eos ids", c.eosTokenIds().toString());
            row(out, "generation", i.defaults().describe());
            out.flush();
            return 0;
        });
    }

    private static void row(PrintWriter out, String key, String value) {
        out.printf("%-14s %s%n", key, value);
    }

    static String human(long n) {
        if (n >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2fB", n / 1e9);
        }
        if (n >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.1fM", n / 1e6);
        }
        return String.format(Locale.ROOT, "%.1fK", n / 1e3);
    }
}
