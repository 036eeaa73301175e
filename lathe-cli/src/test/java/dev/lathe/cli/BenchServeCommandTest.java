package dev.lathe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Runs `lathe bench serve` on the tiny random Llama so the benchmark cannot rot; timings are not asserted. */
class BenchServeCommandTest {

    @Test
    void aTinyRunPrintsOneRowPerConcurrencyWithEveryRequestsTokens() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("bench", "serve", "--random-llama", "tiny", "--concurrency", "1,3", "--requests", "2",
                "--prompt-tokens", "5", "--new-tokens", "7");
        assertThat(code).as("exit code; stderr: " + err).isZero();
        String text = out.toString();
        assertThat(text).contains("scheduler in-process (no HTTP");
        // concurrency, requests, tokens (= requests * new tokens), tok/s, TTFT p50, p99, mean batch
        assertThat(text).containsPattern("(?m)^1 +2 +14 +[0-9.]+ +[0-9]+ +[0-9]+ +1\\.0$");
        assertThat(text).containsPattern("(?m)^3 +6 +42 +[0-9.]+ +[0-9]+ +[0-9]+ +[0-9.]+$");
        assertThat(text).contains("aggregate throughput at concurrency 3 is");
    }

    @Test
    void percentilesAreNearestRank() {
        double[] v = {5, 1, 4, 2, 3};
        assertThat(BenchServeCommand.percentile(v, 50)).isEqualTo(3);
        assertThat(BenchServeCommand.percentile(v, 99)).isEqualTo(5);
        assertThat(BenchServeCommand.percentile(new double[] {7}, 99)).isEqualTo(7);
    }

    @Test
    void aBadConcurrencyIsRejectedWithItsValue() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("bench", "serve", "--random-llama", "tiny", "--concurrency", "0")).isNotZero();
        assertThat(err.toString()).contains("--concurrency").contains("got 0");
    }
}
