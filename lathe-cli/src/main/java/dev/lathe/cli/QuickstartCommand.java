package dev.lathe.cli;

import dev.lathe.cli.quickstart.Quickstart;
import dev.lathe.cli.quickstart.QuickstartSettings;
import dev.lathe.cli.quickstart.RepoRoot;
import dev.lathe.cli.quickstart.SupportBotServer;
import dev.lathe.models.load.ModelLoader;
import dev.lathe.serve.ServerConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lathe quickstart}: builds a customer-support assistant end to end from the bundled Bitext data
 * (see {@link Quickstart}) and, unless {@code --no-serve}, serves it as {@code support-bot} until Ctrl-C.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Build a customer-support assistant end to end from the bundled data: prepare, select, train "
                + "(intent classifier + LoRA generator), evaluate, calibrate escalation, then serve it as "
                + "'support-bot' on the OpenAI-compatible API. See docs/quickstart.md."})
final class QuickstartCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--fast", description = "A reduced run (a few hundred examples, few steps) for tests and CI.")
    boolean fast;

    @Option(names = "--no-serve", description = "Stop after step 5 (no server).")
    boolean noServe;

    @Option(names = "--base", paramLabel = "SPEC", description = "The response generator: a Hugging Face folder, "
            + "hf:Org/Name (e.g. hf:HuggingFaceTB/SmolLM2-135M-Instruct) or a .gguf file (default: the bundled "
            + "stories260K).")
    String base;

    @Option(names = "--output", paramLabel = "DIR", description = "Where run folders go (default: runs/ in the "
            + "repository).")
    Path output;

    @Option(names = "--port", paramLabel = "N", description = "Server port (default 8080; 0 = any free port).")
    Integer port;

    @Option(names = "--host", paramLabel = "HOST", description = "Server interface (default 127.0.0.1).")
    String host;

    @Option(names = "--person-intents", paramLabel = "INTENT", split = ",",
            description = "Intents always handed to a person (default: complaint,contact_human_agent).")
    List<String> personIntents = new ArrayList<>();

    @Option(names = "--repo", paramLabel = "DIR", description = "The Lathe repository holding data/ and models/ "
            + "(default: found from the working folder or the launcher).")
    Path repo;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        return CliSupport.guard(err, "quickstart", () -> {
            Path root = RepoRoot.find(repo);
            ModelLoader loader = CliSupport.loader(err);
            String h = host != null ? host : ServerConfig.DEFAULT_HOST;
            int p = port != null ? port : ServerConfig.DEFAULT_PORT;
            Quickstart.Options options = new Quickstart.Options(root, output, base,
                    fast ? QuickstartSettings.reduced() : QuickstartSettings.standard(),
                    personIntents.isEmpty() ? Quickstart.DEFAULT_PERSON_INTENTS : new LinkedHashSet<>(personIntents),
                    loader.cache().root().resolve("encoders"), h, p);
            Quickstart.Result result = new Quickstart(loader, System.out).run(options);
            if (noServe) {
                return 0;
            }
            System.out.println();
            System.out.println("=== Step 6/6: deploy ===");
            SupportBotServer server = SupportBotServer.start(result.runDir(), null, null, loader::load, msg -> {
                err.println("lathe serve: " + msg);
                err.flush();
            }, line -> {
                synchronized (System.out) {
                    System.out.println(line);
                }
            });
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }));
            System.out.println("support-bot is listening on " + server.url() + " (OpenAI base URL: " + server.url()
                    + "/v1); reports: " + result.runDir().resolve("intent_report.html") + " and "
                    + result.runDir().resolve("response_report.html") + ". Try:");
            System.out.println("  curl " + server.url() + "/v1/chat/completions -H 'Content-Type: application/json'"
                    + " -d '{\"model\": \"" + SupportBotServer.PIPELINE + "\", \"messages\": [{\"role\": \"user\","
                    + " \"content\": \"How can I track my order?\"}]}'");
            System.out.println("Serving until Ctrl-C.");
            System.out.flush();
            stopped.await();
            return 0;
        });
    }
}
