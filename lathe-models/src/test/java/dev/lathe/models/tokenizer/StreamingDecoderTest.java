package dev.lathe.models.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamingDecoderTest {
    @TempDir
    Path tmp;

    /** Streams {@code ids} one by one; returns the pieces, the last one being flush(). */
    static List<String> stream(Tokenizer tok, int[] ids, boolean skip) {
        StreamingDecoder decoder = tok.streamingDecoder(skip);
        List<String> pieces = new ArrayList<>();
        for (int id : ids) pieces.add(decoder.push(id));
        pieces.add(decoder.flush());
        return pieces;
    }

    private static void assertStreamsAsDecode(Tokenizer tok, int[] ids, boolean skip) {
        List<String> pieces = stream(tok, ids, skip);
        assertThat(String.join("", pieces)).isEqualTo(tok.decode(ids, skip));
        for (String piece : pieces) { // no half characters: a piece never ends in a lone high surrogate
            assertThat(piece.isEmpty() || !Character.isHighSurrogate(piece.charAt(piece.length() - 1))).isTrue();
        }
    }

    @Test
    void byteFallbackEmojiAndCjkArriveWholeNeverAsReplacementCharacters() {
        try (Tokenizer tok = SyntheticTokenizers.byteFallback(tmp.resolve("bf"))) {
            String text = "Lily saw a 🐶 and said 你好! Tom paid €5.";
            int[] ids = tok.encode(text, true);
            List<String> pieces = stream(tok, ids, true);
            assertThat(String.join("", pieces)).isEqualTo(text);
            assertThat(pieces).noneMatch(p -> p.contains("\uFFFD"));
            // whole characters, emitted with the token that ends their byte run
            assertThat(pieces).contains("🐶 ", "你好!", "€5");
            assertThat(pieces.subList(0, 3)).containsExactly("", "", "L"); // BOS skipped; the leading "▁" stripped
            assertThat(pieces.get(6)).isEqualTo(" "); // "▁" before "saw" is a space
            assertStreamsAsDecode(tok, ids, false);
        }
    }

    @Test
    void byteLevelEmojiIsHeldUntilItsLastByte() {
        try (Tokenizer tok = SyntheticTokenizers.byteLevel(tmp.resolve("bl"))) {
            String text = "Hi 🐶 你好 €5";
            int[] ids = tok.encode(text, false);
            assertThat(ids).hasSize(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
            List<String> pieces = stream(tok, ids, true);
            assertThat(String.join("", pieces)).isEqualTo(text);
            assertThat(pieces).noneMatch(p -> p.contains("\uFFFD"));
            assertThat(pieces).contains("🐶", "你", "好", "€");
        }
    }

    @Test
    void specialTokensAppearWhenNotSkipped() {
        Tokenizer tok = TestTokenizers.tinyStories();
        assertStreamsAsDecode(tok, tok.encode("Once upon a time", true), false);
        assertThat(String.join("", stream(tok, new int[] {1, 80, 147, 201, 2}, false)))
                .isEqualTo("<|start_story|> Once <|end_story|>");
    }

    @Test
    void wordPieceContinuationsJoinTheirWord() {
        Tokenizer tok = TestTokenizers.miniLm();
        int[] ids = tok.encode("Tokenization is unbelievable, isn't it?", true);
        List<String> pieces = stream(tok, ids, true);
        assertThat(String.join("", pieces)).isEqualTo(tok.decode(ids, true));
        assertThat(pieces).anyMatch(p -> !p.isEmpty() && !p.startsWith(" ")); // a "##" piece with no space
        assertStreamsAsDecode(tok, ids, false);
    }

    @Test
    void cleanUpTokenizationSpacesIsAppliedWithoutRetractingText() throws IOException {
        Files.copy(TestTokenizers.miniLmJson(), tmp.resolve("tokenizer.json"));
        Files.writeString(tmp.resolve("tokenizer_config.json"), "{\"clean_up_tokenization_spaces\": true}");
        try (Tokenizer tok = Tokenizer.load(tmp)) {
            // The tokenizer.json's WordPiece decoder already cleans per token; feed raw pieces that need the
            // transformers-level pass too: "do n't" style splits and spaces before punctuation.
            int[] ids = tok.encode("he said : \" i do n't know \" . ok ? yes !", false);
            assertStreamsAsDecode(tok, ids, true);
            assertThat(tok.decode(ids, true)).doesNotContain(" .").doesNotContain(" ?");
        }
    }

    @Property(tries = 300)
    void tinyStoriesRandomIdsStreamToTheirDecode(
            @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = 2047) Integer> ids, @ForAll boolean skip) {
        assertStreamsAsDecode(TestTokenizers.tinyStories(), ids.stream().mapToInt(Integer::intValue).toArray(), skip);
    }

    @Property(tries = 300)
    void tinyStoriesByteHeavyIdsStreamToTheirDecode(
            @ForAll @Size(min = 1, max = 30) List<@IntRange(min = 0, max = 300) Integer> ids, @ForAll boolean skip) {
        assertStreamsAsDecode(TestTokenizers.tinyStories(), ids.stream().mapToInt(Integer::intValue).toArray(), skip);
    }

    @Property(tries = 300)
    void byteFallbackRandomIdsStreamToTheirDecode(
            @ForAll @Size(min = 1, max = 30) List<@IntRange(min = 0, max = 327) Integer> ids, @ForAll boolean skip) {
        assertStreamsAsDecode(Synthetic.BYTE_FALLBACK, ids.stream().mapToInt(Integer::intValue).toArray(), skip);
    }

    @Property(tries = 300)
    void byteLevelRandomIdsStreamToTheirDecode(
            @ForAll @Size(min = 1, max = 30) List<@IntRange(min = 0, max = 256) Integer> ids, @ForAll boolean skip) {
        assertStreamsAsDecode(Synthetic.BYTE_LEVEL, ids.stream().mapToInt(Integer::intValue).toArray(), skip);
    }

    /** Synthetic tokenizers shared by the properties (jqwik has no per-class temp dir). */
    private static final class Synthetic {
        static final Tokenizer BYTE_FALLBACK;
        static final Tokenizer BYTE_LEVEL;

        static {
            try {
                Path dir = Files.createTempDirectory("lathe-synthetic-tokenizers");
                BYTE_FALLBACK = SyntheticTokenizers.byteFallback(dir.resolve("bf"));
                BYTE_LEVEL = SyntheticTokenizers.byteLevel(dir.resolve("bl"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    @Property(tries = 200)
    void miniLmRandomIdsStreamToTheirDecode(
            @ForAll @Size(min = 1, max = 30) List<@IntRange(min = 0, max = 30521) Integer> ids, @ForAll boolean skip) {
        assertStreamsAsDecode(TestTokenizers.miniLm(), ids.stream().mapToInt(Integer::intValue).toArray(), skip);
    }
}
