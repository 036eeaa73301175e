package dev.lathe.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code lathe models}: the parent of the model-management commands; alone it prints their list. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "Download, list, convert, merge adapters into and describe models.",
        subcommands = {ModelsPullCommand.class, ModelsListCommand.class, ModelsConvertCommand.class,
                ModelsMergeCommand.class, ModelsInfoCommand.class})
final class ModelsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
