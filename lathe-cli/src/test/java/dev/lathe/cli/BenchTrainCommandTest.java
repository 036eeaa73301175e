package dev.lathe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs `lathe bench train` on the tiny random Llama end to end so the benchmark cannot rot; speed is not asserted. */
class BenchTrainCommandTest {

    private static int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void bothMethodsPrintTokensPerSecondNextToTheRecordedPyTorchFigure(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("torch.json");
        Files.writeString(json, """
                {"source": "test", "date": "2026-01-02T03:04:05+00:00", "cpu": "Test CPU", "cores": 2,
                 "torch": "1.13.0", "blas": "generic",
                 "results": [{"method": "lora", "threads": %d, "tokens_per_s": 1.0e9},
                             {"method": "full", "threads": %d, "tokens_per_s": 2.0e9}]}
                """.formatted(dev.lathe.engine.kernel.Parallel.threads(), dev.lathe.engine.kernel.Parallel.threads()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = run(out, err, "bench", "train", "--in-process", "--random-llama", "tiny", "--batch", "2", "--seq", "16",
                "--steps", "2", "--warmup", "1", "--torch", json.toString());
        assertThat(code).as("exit code; stderr: " + err).isZero();
        String text = out.toString();
        assertThat(text).contains("torch 1.13.0 (BLAS: generic) on Test CPU, 2 cores, recorded 2026-01-02");
        // tiny: 2 layers x (q, v) x (A 8x64 + B 64x8) = 4096 LoRA parameters
        assertThat(text).containsPattern("(?m)^lora +lathe +[0-9.]+ tok/s .*4,096 trainable parameters");
        assertThat(text).containsPattern("(?m)^ +torch 1000000000\\.0 tok/s +-> lathe/torch [0-9.]+x");
        assertThat(text).containsPattern("(?m)^full +lathe +[0-9.]+ tok/s");
        assertThat(text).containsPattern("(?m)^ +torch 2000000000\\.0 tok/s");
        assertThat(err.toString()).contains("step 3:").contains("(warm-up)");
    }

    @Test
    void aChildJvmRunsTheMethodWithTheRequestedThreadCount() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = run(out, err, "bench", "train", "--method", "lora", "--threads", "1", "--random-llama", "tiny",
                "--batch", "1", "--seq", "8", "--steps", "1", "--warmup", "0", "--no-torch");
        assertThat(code).as("exit code; stderr: " + err).isZero();
        assertThat(out.toString()).contains("1 engine threads").containsPattern("(?m)^lora +lathe +[0-9.]+ tok/s");
    }

    @Test
    void anUnknownMethodIsRejectedWithTheChoices() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(run(out, err, "bench", "train", "--method", "prefix", "--in-process")).isNotZero();
        assertThat(err.toString()).contains("--method must be lora, full or both, got 'prefix'");
    }
}
