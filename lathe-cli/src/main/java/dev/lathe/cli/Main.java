package dev.lathe.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code lathe} command. */
@Command(
        name = "lathe",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Fine-tune, evaluate and serve open LLMs in pure Java.",
        subcommands = {GenerateCommand.class, ChatCommand.class, ModelsCommand.class, BenchCommand.class,
                QuickstartCommand.class, ScoreCommand.class, EvalCommand.class, TuneCommand.class, ServeCommand.class,
                VersionCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Developer commands (handled by the ./lathe launcher):",
                "  test      Run the whole test suite (mvn -q verify under JDK 25)."})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // DJL and Jinjava log through SLF4J without a binding; its "no providers" notice is not our news.
        System.setProperty("slf4j.internal.verbosity", "ERROR");
        int code = new CommandLine(new Main()).execute(args);
        System.exit(code);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
