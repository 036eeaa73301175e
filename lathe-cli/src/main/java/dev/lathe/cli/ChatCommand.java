package dev.lathe.cli;

import dev.lathe.models.ContextLengthExceededException;
import dev.lathe.models.chat.ChatMessage;
import dev.lathe.models.generate.Generation;
import dev.lathe.models.generate.Generator;
import dev.lathe.models.generate.SamplingParams;
import dev.lathe.models.load.LoadedModel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lathe chat}: an interactive conversation through the model's chat template (ChatML when it has
 * none). Reads standard input line by line, so it works from a terminal and from a pipe alike; each
 * line is a user message whose reply streams to standard output and ends with a newline. Commands:
 * {@code /reset} forgets the conversation (the system message stays), {@code /system TEXT} sets the
 * system message ({@code /system} alone removes it), {@code /exit} or end of input (Ctrl-D) leaves.
 * The whole conversation is re-encoded each turn, so the model sees it exactly as its template writes it.
 */
@Command(name = "chat", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Interactive chat on stdin/stdout. Commands: /reset, /system TEXT, /exit (or Ctrl-D)."})
final class ChatCommand implements Callable<Integer> {
    static final int DEFAULT_MAX_TOKENS = 512;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    SamplingOptions sampling;

    @Option(names = "--system", paramLabel = "TEXT", description = "Initial system message.")
    String system;

    @Option(names = "--show-prompt", description = "Print each rendered prompt to stderr (to check a template).")
    boolean showPrompt;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        return CliSupport.guard(err, "chat", () -> {
            boolean interactive = System.console() != null && System.console().isTerminal();
            try (LoadedModel m = CliSupport.loader(err).load(modelOptions.spec())) {
                Generator generator = new Generator(m.decoder());
                if (!m.ownChatTemplate()) {
                    err.println("lathe: " + m.folder() + " has no chat template; using ChatML");
                }
                if (interactive) {
                    err.println("lathe: chatting with " + modelOptions.model + " (/reset, /system TEXT, /exit)");
                }
                String systemMessage = system;
                List<ChatMessage> history = new ArrayList<>();
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                while (true) {
                    if (interactive) {
                        err.print("> ");
                    }
                    err.flush();
                    String line = in.readLine();
                    if (line == null || line.strip().equals("/exit") || line.strip().equals("/quit")) {
                        break;
                    }
                    String text = line.strip();
                    if (text.isEmpty()) {
                        continue;
                    }
                    if (text.equals("/reset")) {
                        history.clear();
                        err.println("lathe: conversation cleared");
                        continue;
                    }
                    if (text.equals("/system") || text.startsWith("/system ")) {
                        String s = text.substring("/system".length()).strip();
                        systemMessage = s.isEmpty() ? null : s;
                        err.println(systemMessage == null ? "lathe: system message removed" : "lathe: system message set");
                        continue;
                    }
                    if (text.startsWith("/")) {
                        err.println("lathe: unknown command " + text.split("\\s")[0] + " (commands: /reset, /system TEXT, /exit)");
                        continue;
                    }
                    List<ChatMessage> messages = new ArrayList<>();
                    if (systemMessage != null) {
                        messages.add(ChatMessage.system(systemMessage));
                    }
                    messages.addAll(history);
                    messages.add(ChatMessage.user(line));
                    if (showPrompt) {
                        err.println("lathe: prompt: " + m.renderChat(messages));
                    }
                    int[] ids = m.encodeChat(messages);
                    SamplingParams params = sampling.params(m, DEFAULT_MAX_TOKENS, m.chatStopStrings(), m.chatStopTokenIds());
                    Generation g;
                    try {
                        g = generator.generate(m.model(), ids, params, (id, delta, lp) -> {
                            if (!delta.isEmpty()) {
                                out.print(delta);
                                out.flush();
                            }
                        });
                    } catch (ContextLengthExceededException e) {
                        err.println("lathe: the conversation (" + ids.length + " tokens) no longer fits the model's context of "
                                + m.model().contextLength() + " tokens; /reset to start again");
                        continue;
                    }
                    out.println();
                    out.flush();
                    if (!interactive) {
                        GenerateCommand.report(err, g);
                    }
                    history.add(ChatMessage.user(line));
                    history.add(ChatMessage.assistant(g.text()));
                }
            }
            return 0;
        });
    }
}
