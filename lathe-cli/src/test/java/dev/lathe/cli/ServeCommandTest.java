package dev.lathe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.serve.auth.KeyStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code lathe serve keys} round trip, and {@code lathe serve} refusing to expose models without keys. */
class ServeCommandTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void keysAreAddedListedAndRevokedAndOnlyTheirHashesAreStored() throws Exception {
        Path file = dir.resolve("keys.json");
        Result add = run("serve", "keys", "add", "alice", "--file", file.toString(), "--requests-per-minute", "60");
        assertThat(add.code()).as(add.err()).isZero();
        String key = add.out().strip();
        assertThat(key).startsWith(KeyStore.KEY_PREFIX);
        assertThat(Files.readString(file)).doesNotContain(key).contains(KeyStore.sha256(key));
        assertThat(KeyStore.open(file).find(key)).isPresent();

        Result list = run("serve", "keys", "list", "--file", file.toString());
        assertThat(list.out()).contains("alice").contains("requests/min 60").doesNotContain(key);
        assertThat(run("serve", "keys", "add", "alice", "--file", file.toString()).err()).contains("already exists");

        assertThat(run("serve", "keys", "revoke", "alice", "--file", file.toString()).code()).isZero();
        assertThat(KeyStore.open(file).find(key)).isEmpty();
        assertThat(run("serve", "keys", "revoke", "alice", "--file", file.toString()).err()).contains("no key named");
    }

    @Test
    void servingBeyondLoopbackWithoutKeysIsRefusedWithTheFix() {
        Result r = run("serve", "--model", ModelCommandsTest.TINY_STORIES.toString(), "--host", "0.0.0.0");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("API keys are required").contains("lathe serve keys add");
    }
}
