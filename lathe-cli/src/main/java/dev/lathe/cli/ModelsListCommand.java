package dev.lathe.cli;

import dev.lathe.models.hub.CachedModel;
import dev.lathe.models.hub.HfHub;
import dev.lathe.models.hub.ProgressBar;
import dev.lathe.models.load.LatheCache;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code lathe models list}: the models in the Hugging Face cache and Lathe's converted models. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the models in the Hugging Face cache and Lathe's cache of converted models.")
final class ModelsListCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        return CliSupport.guard(err, "models list", () -> {
            HfHub hub = HfHub.fromEnvironment();
            List<CachedModel> cached = hub.listCached();
            out.println("Hugging Face cache " + hub.cacheDir() + ": " + cached.size() + " model(s)");
            for (CachedModel c : cached) {
                StringBuilder refs = new StringBuilder();
                for (Map.Entry<String, String> e : c.refs().entrySet()) {
                    refs.append(refs.isEmpty() ? "" : ", ").append(e.getKey()).append('=')
                            .append(e.getValue(), 0, Math.min(12, e.getValue().length()));
                }
                out.printf("  hf:%-40s %10s  %s%n", c.repoId(), ProgressBar.formatBytes(c.sizeOnDisk()),
                        refs.isEmpty() ? c.snapshots().size() + " snapshot(s)" : refs);
            }
            LatheCache cache = LatheCache.fromEnvironment();
            List<LatheCache.Converted> converted = cache.listConverted();
            out.println("Lathe cache " + cache.convertedRoot() + ": " + converted.size() + " converted model(s)");
            for (LatheCache.Converted c : converted) {
                out.printf("  %-43s %10s  from %s%n", c.folder(), ProgressBar.formatBytes(c.bytes()),
                        c.sources().replace("\n", ", "));
            }
            out.flush();
            return 0;
        });
    }
}
