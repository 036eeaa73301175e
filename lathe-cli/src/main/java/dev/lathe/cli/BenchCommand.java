package dev.lathe.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code lathe bench}: the parent of the benchmark commands; alone it prints their list. */
@Command(name = "bench", description = "Benchmarks (GFLOP/s, tokens/s and friends) of Lathe's parts.",
        subcommands = {BenchEngineCommand.class, BenchGenerateCommand.class, BenchEvalCommand.class,
                BenchServeCommand.class})
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
