package dev.lathe.cli;

import dev.lathe.engine.testing.BundledModels;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The model commands run in-process on the real models under lathe-models' test resources, with
 * standard output and error captured: what a user sees, exit codes included. Lathe's cache goes to a
 * temporary folder (system property {@code lathe.cache}).
 */
class ModelCommandsTest {
    static final Path MODELS = Path.of("../lathe-models/src/test/resources/models").toAbsolutePath().normalize();
    static final Path TINY_STORIES = BundledModels.tinyStories656K();
    static final Path STORIES_BIN = BundledModels.path("stories260K/stories260K.bin");
    static final Path STORIES_TOK = BundledModels.path("stories260K/tok512.bin");

    @TempDir
    static Path dir;

    @BeforeAll
    static void isolateTheCache() {
        System.setProperty("lathe.cache", dir.resolve("cache").toString());
    }

    @AfterAll
    static void restore() {
        System.clearProperty("lathe.cache");
    }

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

    static Result ok(String... args) {
        Result r = run(args);
        assertThat(r.code()).as("exit code; stderr: " + r.err()).isZero();
        return r;
    }

    @Test
    void generatePrintsExactlyTheContinuationOnStdoutAndTimingsOnStderr() throws Exception {
        String file = Files.readString(TINY_STORIES.resolve("greedy-once-upon-a-time.txt"));
        String continuation = file.substring(file.indexOf(" |") + 2).stripTrailing();
        // 100 new tokens end the recorded text (see RealModelGenerationTest); greedy is the model's default.
        Result r = ok("generate", "--model", TINY_STORIES.toString(), "--prompt", "Once upon a time", "--max-tokens", "100");
        assertThat(r.out()).isEqualTo(continuation);
        assertThat(r.err()).contains("prompt 6 tokens", "prefill", "decode", "tok/s", "generated 100 tokens");
    }

    @Test
    void generateHonoursStopStringsAndSeeds() {
        Result stopped = ok("generate", "-m", TINY_STORIES.toString(), "-p", "Once upon a time", "--max-tokens", "100",
                "--stop", "Lily");
        assertThat(stopped.out()).isEqualTo(", a little girl named ");
        assertThat(stopped.err()).contains("finish: stop");
        String[] sampled = {"generate", "-m", TINY_STORIES.toString(), "-p", "Tom", "--max-tokens", "20",
                "--temperature", "0.8", "--top-p", "0.9", "--top-k", "40", "--seed", "7"};
        assertThat(ok(sampled).out()).isEqualTo(ok(sampled).out()).isNotEmpty();
    }

    @Test
    void chatReadsPipedLinesWithSystemResetAndExit() {
        String input = "/system Be kind.\nHello there\n/reset\nHi\n/bogus\n/exit\nnever read\n";
        InputStream saved = System.in;
        Result r;
        try {
            System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
            r = ok("chat", "--model", TINY_STORIES.toString(), "--max-tokens", "12", "--show-prompt");
        } finally {
            System.setIn(saved);
        }
        assertThat(r.err()).contains("has no chat template; using ChatML", "system message set", "conversation cleared",
                "unknown command /bogus").doesNotContain("never read");
        String[] prompts = r.err().split("lathe: prompt: ");
        assertThat(prompts).hasSize(3); // two user turns
        assertThat(prompts[1]).startsWith("<|im_start|>system\nBe kind.<|im_end|>\n<|im_start|>user\nHello there<|im_end|>\n"
                + "<|im_start|>assistant\n");
        // After /reset: the system message stays, the first exchange is gone.
        assertThat(prompts[2]).startsWith("<|im_start|>system\nBe kind.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n")
                .doesNotContain("Hello there");
        assertThat(r.out()).isNotEmpty().endsWith("\n");
    }

    @Test
    void chatEndsAtEndOfInput() {
        InputStream saved = System.in;
        try {
            System.setIn(new ByteArrayInputStream(new byte[0]));
            assertThat(ok("chat", "--model", TINY_STORIES.toString()).out()).isEmpty();
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    void convertLlama2cToHfThenGgufThenInfoAndGenerate() throws Exception {
        Path hf = dir.resolve("stories-hf");
        ok("models", "convert", STORIES_BIN.toString(), "--tokenizer", STORIES_TOK.toString(), "--out", hf.toString());
        assertThat(hf.resolve("config.json")).exists();
        assertThat(hf.resolve("tokenizer.json")).exists();
        Path gguf = dir.resolve("stories.gguf");
        Result toGguf = ok("models", "convert", hf.toString(), "--out", gguf.toString(), "--type", "f32");
        assertThat(toGguf.out().strip()).isEqualTo(gguf.toString());
        String info = ok("models", "info", gguf.toString()).out();
        assertThat(info).contains("LLAMA (model_type llama)", "260,032", "F32", "layers         5",
                "heads          8 (kv heads 4, head dim 8)", "context        512", "512 tokens, BOS <s> (1), EOS </s> (2)",
                "no (chat uses ChatML)");
        String runC = Files.readString(BundledModels.path("stories260K/greedy-once-upon-a-time.txt"));
        // run.c's 256 positions hold BOS + 4 prompt tokens + 251 fed-back tokens; it prints 252 new tokens.
        Result g = ok("generate", "-m", gguf.toString(), "-p", "Once upon a time", "--max-tokens", "252");
        assertThat("Once upon a time" + g.out() + "\n").isEqualTo(runC);
        Path back = dir.resolve("stories-back");
        ok("models", "convert", gguf.toString(), "--out", back.toString());
        assertThat(back.resolve("model.safetensors")).exists();
    }

    @Test
    void convertTiedHfFolderToQ8GgufStillGenerates() throws Exception {
        Path gguf = dir.resolve("tiny-q8.gguf");
        ok("models", "convert", TINY_STORIES.toString(), "--out", gguf.toString(), "--type", "q8_0");
        Result r = ok("generate", "-m", gguf.toString(), "-p", "Once upon a time", "--max-tokens", "8");
        assertThat(r.out()).isNotBlank();
        String info = ok("models", "info", TINY_STORIES.toString()).out();
        assertThat(info).contains("hidden         128 (intermediate 384)", "eos ids        [2]", "generation     greedy");
    }

    @Test
    void badInputsFailWithAClearMessageAndNonZeroExit() {
        Result missing = run("generate", "-m", dir.resolve("missing").toString(), "-p", "x");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).startsWith("lathe generate: no such file or folder").doesNotContain("Exception");
        assertThat(missing.out()).isEmpty();
        assertThat(run("generate", "-m", TINY_STORIES.toString()).code()).isEqualTo(2); // no --prompt: usage error
        Result bert = run("generate", "-m", MODELS.resolve("bert-tiny").toString(), "-p", "x");
        assertThat(bert.code()).isEqualTo(1);
        assertThat(bert.err()).contains("cannot generate");
        Result noTok = run("generate", "-m", STORIES_BIN.toString(), "-p", "x");
        assertThat(noTok.err()).contains("needs its tokenizer");
        Result temp = run("generate", "-m", TINY_STORIES.toString(), "-p", "x", "--temperature", "-1");
        assertThat(temp.code()).isEqualTo(1);
        assertThat(temp.err()).contains("temperature");
        assertThat(run("generate", "-m", TINY_STORIES.toString(), "-p", "x", "--system", "s").err())
                .contains("--system needs --chat");
        assertThat(run("models", "convert", TINY_STORIES.toString(), "--out", dir.resolve("x").toString(), "--to", "onnx")
                .err()).contains("--to must be hf or gguf");
        assertThat(run("models", "convert", TINY_STORIES.toString(), "--out", dir.resolve("x.gguf").toString(),
                "--type", "q9").err()).contains("--type must be");
        assertThat(run("models", "convert", TINY_STORIES.toString(), "--to", "hf", "--out", dir.resolve("y").toString())
                .err()).contains("already a Hugging Face folder");
        Result pull = run("models", "pull", "Org/Name");
        assertThat(pull.code()).isEqualTo(1);
        assertThat(pull.err()).contains("hf:Org/Name");
        assertThat(run("bench", "generate").err()).contains("either --model MODEL or --random-llama SIZE");
        assertThat(run("bench", "generate", "--random-llama", "7b").err()).contains("--random-llama must be one of");
    }

    @Test
    void benchGenerateRunsOnceOnARealAndARandomModel() {
        Result real = ok("bench", "generate", "--model", TINY_STORIES.toString(), "--runs", "1", "--prompt-tokens", "8",
                "--new-tokens", "4");
        assertThat(real.out()).contains("prefill:", "decode:", "peak RSS", "run 1:");
        Result random = ok("bench", "generate", "--random-llama", "tiny", "--runs", "1", "--prompt-tokens", "4",
                "--new-tokens", "2");
        assertThat(random.out()).contains("random Llama tiny", "decode:");
    }

    @Test
    void modelsListShowsTheConvertedCache() {
        Result r = ok("models", "list");
        assertThat(r.out()).contains("Hugging Face cache", "Lathe cache");
    }
}
