package dev.lathe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs `lathe bench engine --quick` end to end so the benchmark cannot rot; timings are not asserted. */
class BenchEngineCommandTest {

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        assertThat(code).as("exit code; stderr: " + err).isZero();
        return out.toString();
    }

    @Test
    void quickRunPrintsARowPerShapeWithAllColumns() {
        String out = run("bench", "engine", "--quick", "--no-torch", "--runs", "1");
        assertThat(out).contains("lathe 1T").contains("PyTorch: no figures");
        for (String shape : new String[] {"64x64x64", "96x96x96", "1x64x96", "8x64x96"}) {
            assertThat(out).containsPattern("(?m)^" + shape + " +[0-9.]+ +[0-9.]+ +- +- +[0-9.]+");
        }
    }

    @Test
    void torchFiguresArePrintedWithTheirOriginAndAPercentage(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("torch.json");
        Files.writeString(json, """
                {"source": "test", "date": "2026-01-02T03:04:05+00:00", "cpu": "Test CPU \\"X\\"", "cores": 2,
                 "torch": "1.13.0", "blas": "generic",
                 "results": [{"m": 64, "k": 64, "n": 64, "threads": 1, "gflops": 1.5, "runs": 3, "median_s": 0.1}]}
                """);
        String out = run("bench", "engine", "--quick", "--sizes", "64", "--runs", "1", "--threads", "1", "--torch",
                json.toString());
        assertThat(out).contains("torch 1.13.0 (BLAS: generic) on Test CPU \"X\", 2 cores, recorded 2026-01-02");
        assertThat(out).containsPattern("(?m)^64x64x64 .* 1\\.50 +[0-9]+%");
    }

    @Test
    void aMalformedSizeIsRejectedWithItsText() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("bench", "engine", "--sizes", "12y3", "--no-torch")).isNotZero();
        assertThat(err.toString()).contains("'12y3'");
    }
}
