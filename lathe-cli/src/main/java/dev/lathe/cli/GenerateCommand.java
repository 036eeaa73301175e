package dev.lathe.cli;

import dev.lathe.models.chat.ChatMessage;
import dev.lathe.models.generate.Generation;
import dev.lathe.models.generate.Generator;
import dev.lathe.models.generate.SamplingParams;
import dev.lathe.models.load.LoadedModel;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lathe generate}: continues a prompt (or answers it as a chat turn with {@code --chat}) and
 * streams ONLY the generated text to standard output as it is produced, so the output can be piped;
 * everything else (loading, conversions, token counts and timings) goes to standard error. A final
 * newline is added only when standard output is a terminal.
 */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generate text from a prompt. Prints only the generated text on stdout (streamed); "
                + "diagnostics and timings go to stderr."})
final class GenerateCommand implements Callable<Integer> {
    static final int DEFAULT_MAX_TOKENS = 256;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = {"-p", "--prompt"}, required = true, paramLabel = "TEXT", description = "The prompt.")
    String prompt;

    @Mixin
    SamplingOptions sampling;

    @Option(names = "--chat", description = "Send the prompt as a user message through the model's chat template "
            + "(ChatML when it has none).")
    boolean chat;

    @Option(names = "--system", paramLabel = "TEXT", description = "System message (with --chat).")
    String system;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        return CliSupport.guard(err, "generate", () -> {
            if (system != null && !chat) {
                throw new IllegalArgumentException("--system needs --chat");
            }
            try (LoadedModel m = CliSupport.loader(err).load(modelOptions.spec())) {
                int[] ids;
                SamplingParams params;
                if (chat) {
                    List<ChatMessage> messages = new ArrayList<>();
                    if (system != null) {
                        messages.add(ChatMessage.system(system));
                    }
                    messages.add(ChatMessage.user(prompt));
                    ids = m.encodeChat(messages);
                    params = sampling.params(m, DEFAULT_MAX_TOKENS, m.chatStopStrings(), m.chatStopTokenIds());
                } else {
                    ids = m.encode(prompt);
                    params = sampling.params(m, DEFAULT_MAX_TOKENS, List.of(), Set.of());
                }
                Generation g = new Generator(m.decoder()).generate(m.model(), ids, params, (id, delta, lp) -> {
                    if (!delta.isEmpty()) {
                        out.print(delta);
                        out.flush();
                    }
                });
                if (CliSupport.stdoutIsTerminal()) {
                    out.println();
                }
                out.flush();
                report(err, g);
            }
            return 0;
        });
    }

    static void report(PrintWriter err, Generation g) {
        double prefillRate = g.prefillMillis() > 0 ? g.promptTokens() * 1000.0 / g.prefillMillis() : 0;
        err.println("lathe: prompt " + g.promptTokens() + " tokens, prefill " + CliSupport.millis(g.prefillMillis())
                + " (" + CliSupport.rate(prefillRate) + "); generated " + g.completionTokens() + " tokens, decode "
                + CliSupport.rate(g.decodeTokensPerSecond()) + "; finish: " + g.finishReason().name().toLowerCase());
        err.flush();
    }
}
