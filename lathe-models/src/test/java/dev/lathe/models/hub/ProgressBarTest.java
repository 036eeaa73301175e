package dev.lathe.models.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The console progress bar: in-place redraws on a terminal, one final line elsewhere. */
class ProgressBarTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong clock = new AtomicLong();

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void withoutATerminalOnlyTheFinalLineIsPrinted() {
        ProgressBar bar = new ProgressBar(out, false, clock::get, "model.safetensors", 2_000_000);
        for (int i = 1; i <= 10; i++) {
            clock.addAndGet(200_000_000L);
            bar.update(i * 200_000L);
        }
        assertThat(printed()).isEmpty();
        bar.finish();
        bar.finish();
        assertThat(printed()).isEqualTo("model.safetensors  2.00 MB in 0:02 (1.00 MB/s)" + System.lineSeparator());
    }

    @Test
    void aCountingBarShowsItemsNotBytes() {
        ProgressBar bar = ProgressBar.counting(out, true, clock::get, "eval", 8, "examples");
        clock.addAndGet(2_000_000_000L);
        bar.update(4);
        assertThat(printed()).contains("4 examples / 8 examples").contains("2.0 examples/s").contains("ETA 0:02");
        clock.addAndGet(2_000_000_000L);
        bar.update(8);
        bar.finish();
        assertThat(printed()).contains("eval  8 examples in 0:04 (2.0 examples/s)");
    }

    @Test
    void aStatusTextShowsBeforeTheEtaAndAMessageLineLeavesTheBarToBeRedrawnBelowIt() {
        ProgressBar bar = ProgressBar.counting(out, true, clock::get, "train", 10, "steps");
        bar.status("loss 2.3000  lr 1.00e-04");
        clock.addAndGet(1_000_000_000L);
        bar.update(2);
        assertThat(printed()).contains("2.0 steps/s  loss 2.3000  lr 1.00e-04  ETA 0:04");
        bar.println("eval step 2  val loss 2.1");
        assertThat(printed()).contains("\reval step 2  val loss 2.1   ").endsWith(" \n");
        clock.addAndGet(1_000_000_000L);
        bar.update(3);
        assertThat(printed()).endsWith("ETA 0:05");
    }

    @Test
    void withoutATerminalTheCurrentLineIsAvailableForPlainLogs() {
        ProgressBar bar = ProgressBar.counting(out, false, clock::get, "train", 4, "steps");
        bar.status("loss 1.0");
        clock.addAndGet(1_000_000_000L);
        bar.update(1);
        assertThat(bar.interactive()).isFalse();
        assertThat(printed()).isEmpty();
        assertThat(bar.line()).isEqualTo("train [======>                 ]  25%  1 steps / 4 steps  1.0 steps/s  loss 1.0"
                + "  ETA 0:03");
        bar.println("eval");
        assertThat(printed()).isEqualTo("eval" + System.lineSeparator());
    }

    @Test
    void onATerminalTheBarShowsPercentBytesRateAndEta() {
        ProgressBar bar = new ProgressBar(out, true, clock::get, "w", 1_000_000);
        clock.set(1_000_000_000L);
        bar.update(250_000);
        assertThat(printed()).startsWith("\rw [======>").contains(" 25%  250 kB / 1.00 MB  250 kB/s  ETA 0:03");
        bar.finish();
        assertThat(printed()).endsWith("\n");
    }

    @Test
    void redrawsAreThrottledAndResumedBytesAreNotCountedInTheRate() {
        ProgressBar bar = new ProgressBar(out, true, clock::get, "w", 1_000_000);
        bar.resumeFrom(500_000);
        clock.set(1_000_000_000L);
        bar.update(600_000);
        bar.update(700_000); // same instant: not drawn
        assertThat(printed().split("\r", -1)).hasSize(2);
        assertThat(printed()).contains("100 kB/s");
    }

    @Test
    void anUnknownTotalShowsBytesAndRateOnly() {
        ProgressBar bar = new ProgressBar(out, true, clock::get, "w", -1);
        clock.set(2_000_000_000L);
        bar.update(3_000);
        assertThat(printed()).isEqualTo("\rw 3.00 kB  1.50 kB/s");
    }

    @Test
    void bytesAndDurationsAreFormattedForPeople() {
        assertThat(ProgressBar.formatBytes(999)).isEqualTo("999 B");
        assertThat(ProgressBar.formatBytes(1_500)).isEqualTo("1.50 kB");
        assertThat(ProgressBar.formatBytes(12_345_678)).isEqualTo("12.3 MB");
        assertThat(ProgressBar.formatBytes(4_100_000_000L)).isEqualTo("4.10 GB");
        assertThat(ProgressBar.formatDuration(7)).isEqualTo("0:07");
        assertThat(ProgressBar.formatDuration(754)).isEqualTo("12:34");
        assertThat(ProgressBar.formatDuration(3723)).isEqualTo("1:02:03");
    }
}
