package dev.lathe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lathe quickstart}'s command line (the run itself is tested by QuickstartEndToEndTest). */
class QuickstartCommandTest {
    @TempDir
    Path dir;

    @Test
    void helpListsTheFlagsTheDocsName() {
        ServeCommandTest.Result r = ServeCommandTest.run("quickstart", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--fast", "--no-serve", "--base", "--output", "--port", "--person-intents");
    }

    @Test
    void aFolderWithoutTheBundledDataIsRefusedInOneLineWithTheFix() {
        ServeCommandTest.Result r = ServeCommandTest.run("quickstart", "--fast", "--no-serve", "--repo", dir.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("lathe quickstart: --repo " + dir)
                .contains("data/bitext-customer-support.csv").contains("Lathe clone").doesNotContain("Exception");
    }
}
