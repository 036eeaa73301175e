package dev.lathe.cli;

import dev.lathe.models.hub.DownloadListener;
import dev.lathe.models.hub.HfHub;
import dev.lathe.models.hub.ModelRef;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code lathe models pull hf:Org/Name[@rev]}: downloads a model's configuration, tokenizer and
 * safetensors into the shared Hugging Face cache with a progress bar per file on standard error,
 * and prints the snapshot folder on standard output.
 */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = "Download hf:Org/Name[@revision] (config, tokenizer, safetensors) into the Hugging Face cache; "
                + "prints the snapshot folder.")
final class ModelsPullCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "hf:Org/Name[@rev]", description = "The repository to download.")
    String ref;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        return CliSupport.guard(err, "models pull", () -> {
            ModelRef r = ModelRef.parse(ref);
            HfHub hub = HfHub.fromEnvironment();
            Path snapshot = hub.download(r, DownloadListener.console());
            out.println(snapshot);
            out.flush();
            return 0;
        });
    }
}
