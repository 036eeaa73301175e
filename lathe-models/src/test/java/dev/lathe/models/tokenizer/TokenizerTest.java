package dev.lathe.models.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerTest {
    @TempDir
    Path tmp;

    /** The prompt and its ids as the model's greedy-*.txt files record them. */
    private static List<Object[]> greedyPrompts() throws IOException {
        Pattern ids = Pattern.compile("prompt ids: \\[(.*)]");
        List<Object[]> out = new java.util.ArrayList<>();
        try (var files = Files.list(TestTokenizers.tinyStoriesDir())) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("greedy-")).sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                Matcher m = ids.matcher(lines.get(0));
                assertThat(m.matches()).as(f.toString()).isTrue();
                int[] expected = Arrays.stream(m.group(1).split(",\\s*")).mapToInt(Integer::parseInt).toArray();
                String prompt = lines.get(1).substring(0, lines.get(1).indexOf(" |"));
                out.add(new Object[] {prompt, expected});
            }
        }
        assertThat(out).hasSize(2);
        return out;
    }

    @Test
    void encodingTheTinyStoriesPromptsGivesTheRecordedIdsWithOneBos() throws IOException {
        Tokenizer tok = TestTokenizers.tinyStories();
        for (Object[] c : greedyPrompts()) {
            assertThat(tok.encode((String) c[0], true)).as((String) c[0]).containsExactly((int[]) c[1]);
        }
        assertThat(tok.encode("Once upon a time", true)).containsExactly(1, 80, 147, 201, 282, 57);
    }

    @Test
    void decodingTheTinyStoriesPromptIdsGivesThePromptBack() throws IOException {
        Tokenizer tok = TestTokenizers.tinyStories();
        for (Object[] c : greedyPrompts()) {
            assertThat(tok.decode((int[]) c[1], true)).isEqualTo(c[0]);
            assertThat(tok.decode((int[]) c[1], false)).isEqualTo("<|start_story|>" + " " + c[0]);
        }
    }

    @Test
    void tinyStoriesSpecialTokensComeFromTheConfig() {
        Tokenizer tok = TestTokenizers.tinyStories();
        assertThat(tok.vocabSize()).isEqualTo(2048);
        assertThat(tok.bos()).contains(new SpecialToken("<|start_story|>", 1));
        assertThat(tok.eos()).contains(new SpecialToken("<|end_story|>", 2));
        assertThat(tok.pad()).contains(new SpecialToken("<unk>", 0));
        assertThat(tok.unk()).contains(new SpecialToken("<unk>", 0));
        assertThat(tok.isSpecial(1)).isTrue();
        assertThat(tok.isSpecial(80)).isFalse();
        assertThat(tok.idToToken(3)).isEqualTo("\n");
        assertThat(tok.idToToken(80)).isEqualTo("▁");
        assertThat(tok.tokenToId("Lily▁")).hasValue(303);
        assertThat(tok.tokenToId("no-such-token")).isEmpty();
    }

    @Test
    void withoutSpecialTokensNoBosIsAdded() {
        assertThat(TestTokenizers.tinyStories().encode("Once upon a time", false))
                .containsExactly(80, 147, 201, 282, 57);
    }

    @Test
    void theConfigAddBosFlagOverridesThePostProcessorAndNeverDoublesBos() throws IOException {
        Path dir = copyTinyStories();
        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"add_bos_token\": false, \"add_eos_token\": true, \"bos_token\": \"<|start_story|>\","
                        + " \"eos_token\": {\"content\": \"<|end_story|>\", \"special\": true}}");
        try (Tokenizer tok = Tokenizer.load(dir)) {
            assertThat(tok.encode("Once upon a time", true)).containsExactly(80, 147, 201, 282, 57, 2);
        }
        Files.delete(dir.resolve("tokenizer_config.json"));
        Files.delete(dir.resolve("special_tokens_map.json"));
        try (Tokenizer tok = Tokenizer.load(dir)) { // no config: tokenizer.json's post-processor adds BOS
            assertThat(tok.encode("Once upon a time", true)).containsExactly(1, 80, 147, 201, 282, 57);
            assertThat(tok.bos()).isEmpty();
        }
    }

    @Test
    void specialTokensMapInAddedTokenObjectFormIsRead() throws IOException {
        Path dir = copyTinyStories();
        Files.delete(dir.resolve("tokenizer_config.json")); // special_tokens_map.json (object form) remains
        try (Tokenizer tok = Tokenizer.load(dir)) {
            assertThat(tok.bos()).contains(new SpecialToken("<|start_story|>", 1));
            assertThat(tok.eos()).contains(new SpecialToken("<|end_story|>", 2));
            assertThat(tok.pad()).contains(new SpecialToken("<unk>", 0));
        }
    }

    @Test
    void tinyStoriesHasNoByteTokensSoEmojiBecomeUnknown() {
        Tokenizer tok = TestTokenizers.tinyStories();
        int[] ids = tok.encode("Lily saw 🐶", false);
        assertThat(ids).contains(0); // <unk>: byte_fallback is on but the vocabulary has no <0xNN> tokens
    }

    @Test
    void emojiAndCjkGoThroughByteFallbackAndComeBack() {
        try (Tokenizer tok = SyntheticTokenizers.byteFallback(tmp.resolve("bf"))) {
            String text = "Lily saw 🐶 and said 你好 €5";
            int[] ids = tok.encode(text, true);
            assertThat(ids[0]).isEqualTo(1);
            assertThat(Arrays.stream(ids).mapToObj(tok::idToToken).toList())
                    .containsSubsequence("<0xF0>", "<0x9F>", "<0x90>", "<0xB6>"); // 🐶
            assertThat(tok.decode(ids, true)).isEqualTo(text);
            assertThat(tok.decode(new int[] {3 + 0xE2, 3 + 0x82}, true)).isEqualTo("\uFFFD\uFFFD"); // invalid run
        }
    }

    @Test
    void miniLmWordPieceGivesTheKnownIdsWithoutPadding() {
        Tokenizer tok = TestTokenizers.miniLm();
        assertThat(tok.encode("Hello world is a test", true)).containsExactly(101, 7592, 2088, 2003, 1037, 3231, 102);
        assertThat(tok.encode("Hello world is a test", false)).containsExactly(7592, 2088, 2003, 1037, 3231);
        assertThat(tok.vocabSize()).isEqualTo(30522);
        assertThat(tok.unk()).contains(new SpecialToken("[UNK]", 100));
        assertThat(tok.decode(new int[] {101, 7592, 2088, 2003, 1037, 3231, 102}, true))
                .isEqualTo("hello world is a test");
        assertThat(tok.decode(new int[] {101, 7592, 2088, 102}, false)).isEqualTo("[CLS] hello world [SEP]");
    }

    @Test
    void miniLmJoinsWordPieceContinuations() {
        Tokenizer tok = TestTokenizers.miniLm();
        int[] ids = tok.encode("tokenization is unbelievable.", false);
        assertThat(Arrays.stream(ids).mapToObj(tok::idToToken)).anyMatch(t -> t.startsWith("##"));
        assertThat(tok.decode(ids, true)).isEqualTo("tokenization is unbelievable.");
    }

    @Test
    void longInputIsNotTruncated() {
        String text = "word ".repeat(300);
        assertThat(TestTokenizers.miniLm().encode(text, false)).hasSize(300);
    }

    @Test
    void badIdsMissingFilesAndClosedTokenizersGiveClearErrors() throws IOException {
        Tokenizer shared = TestTokenizers.tinyStories();
        assertThatThrownBy(() -> shared.decode(new int[] {5, 2048}, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token id 2048")
                .hasMessageContaining("[0, 2048)");
        assertThatThrownBy(() -> shared.idToToken(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Tokenizer.load(tmp)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenizer.json");
        Files.writeString(tmp.resolve("tokenizer.json"), "{\"model\": ");
        assertThatThrownBy(() -> Tokenizer.load(tmp)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not valid JSON");
        Files.writeString(tmp.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\"}}");
        assertThatThrownBy(() -> Tokenizer.load(tmp)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model.vocab");
        Tokenizer tok = Tokenizer.load(copyTinyStories());
        tok.close();
        tok.close();
        assertThatThrownBy(() -> tok.encode("x", true)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void closingWhileOtherThreadsEncodeNeverCrashesThem() throws Exception {
        for (int round = 0; round < 5; round++) {
            Tokenizer tok = Tokenizer.load(copyTinyStories());
            String text = "Once upon a time there was a little girl named Lily. ".repeat(50);
            int[] expected = tok.encode(text, true);
            java.util.concurrent.atomic.AtomicInteger wrong = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(4);
            List<Thread> threads = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    started.countDown();
                    try {
                        while (true) {
                            if (!Arrays.equals(tok.encode(text, true), expected)
                                    || tok.decode(expected, true).isEmpty()) {
                                wrong.incrementAndGet();
                            }
                        }
                    } catch (IllegalStateException closed) {
                        // the only way out: the tokenizer was closed between two calls
                    }
                }));
            }
            started.await();
            Thread.sleep(20);
            tok.close();
            for (Thread t : threads) {
                t.join(10_000);
                assertThat(t.isAlive()).isFalse();
            }
            assertThat(wrong.get()).isZero();
        }
    }

    @Test
    void malformedConfigFieldsAreNamed() throws IOException {
        Path dir = copyTinyStories();
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"add_bos_token\": \"yes\"}");
        assertThatThrownBy(() -> Tokenizer.load(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenizer_config.json").hasMessageContaining("add_bos_token");
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"bos_token\": 7}");
        assertThatThrownBy(() -> Tokenizer.load(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bos_token");
    }

    @Test
    void theNativeLibraryIsExtractedUnderTheDjlCacheNotDownloaded() {
        TestTokenizers.tinyStories(); // loaded
        Path home = Path.of(System.getProperty("user.home"), ".djl.ai", "tokenizers");
        Path tmpCache = Path.of(System.getProperty("java.io.tmpdir"), ".djl.ai", "tokenizers");
        assertThat(Files.isDirectory(home) || Files.isDirectory(tmpCache) || System.getenv("DJL_CACHE_DIR") != null
                || System.getenv("ENGINE_CACHE_DIR") != null).isTrue();
        assertThat(System.getProperty("RUST_FLAVOR", System.getenv("RUST_FLAVOR"))).isNotNull();
    }

    private Path copyTinyStories() throws IOException {
        Path dir = Files.createTempDirectory(tmp, "tiny");
        for (String f : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
            Files.copy(TestTokenizers.tinyStoriesDir().resolve(f), dir.resolve(f));
        }
        return dir;
    }
}
