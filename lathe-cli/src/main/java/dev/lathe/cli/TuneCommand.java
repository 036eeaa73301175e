package dev.lathe.cli;

import dev.lathe.cli.recipe.RecipeRunner;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lathe tune RECIPE}: runs a fine-tuning recipe ({@link dev.lathe.cli.recipe.Recipe}) through the
 * {@link RecipeRunner}; the flags override the recipe's values. Progress and reports go to standard
 * output; a failure is one line on standard error and exit code 1.
 */
@Command(name = "tune", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fine-tune a model as a YAML recipe says: prepare the data, tokenize, measure the base model, "
                + "train (full or LoRA), measure again, write the adapter or weights, metrics and a summary into a "
                + "new run folder. See examples/*.yaml and docs/tuning.md."})
final class TuneCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RECIPE", description = "The recipe (.yaml).")
    Path recipe;

    @Option(names = "--max-steps", paramLabel = "N", description = "Optimizer steps to take (replaces the recipe's).")
    Long maxSteps;

    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the data (clears the recipe's max_steps).")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "Examples per micro-batch.")
    Integer batchSize;

    @Option(names = "--lr", paramLabel = "X", description = "Peak learning rate.")
    Double lr;

    @Option(names = "--seed", paramLabel = "N", description = "Training seed (shuffles, dropout, adapter init).")
    Long seed;

    @Option(names = "--output", paramLabel = "DIR",
            description = "Where run folders go (replaces the recipe's output.dir; relative to the working folder).")
    Path output;

    @Option(names = "--resume", description = "Continue the newest run of this recipe from its last checkpoint "
            + "instead of starting a new run.")
    boolean resume;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        return CliSupport.guard(err, "tune", () -> {
            PrintStream console = new PrintStream(new WriterStream(out), true, StandardCharsets.UTF_8);
            new RecipeRunner(CliSupport.loader(err), console).run(recipe, new RecipeRunner.Overrides(maxSteps, output,
                    resume, lr, epochs, batchSize, seed));
            console.flush();
            return 0;
        });
    }

    /** Bytes to picocli's writer (so tests capture the console as they capture other commands' output). */
    private static final class WriterStream extends OutputStream {
        private final PrintWriter writer;
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

        WriterStream(PrintWriter writer) {
            this.writer = writer;
        }

        @Override
        public void write(int b) {
            line.write(b);
            if (b == '\n') {
                flush();
            }
        }

        @Override
        public void flush() {
            writer.print(line.toString(StandardCharsets.UTF_8));
            writer.flush();
            line.reset();
        }
    }
}
