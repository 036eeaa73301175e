package dev.lathe.tune.data.tokenize;

import dev.lathe.engine.testing.BundledModels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.models.chat.ChatTemplate;
import dev.lathe.models.format.llama2c.Llama2cCheckpoint;
import dev.lathe.models.tokenizer.Tokenizer;
import dev.lathe.tune.data.AlpacaExample;
import dev.lathe.tune.data.ChatExample;
import dev.lathe.tune.data.ChatExample.Message;
import dev.lathe.tune.data.Example;
import dev.lathe.tune.data.Origin;
import dev.lathe.tune.data.PromptCompletionExample;
import dev.lathe.tune.data.TextExample;
import dev.lathe.tune.data.tokenize.TokenizationConfig.LossOn;
import dev.lathe.tune.data.tokenize.TokenizationConfig.Truncation;
import dev.lathe.tune.train.TokenizedExample;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokenization with the real small tokenizers: loss masks, truncation, packing, chat templates. */
class ExampleTokenizerTest {
    static Tokenizer tinyStories; // BPE, 2048 tokens, BOS 1, EOS 2
    static Tokenizer stories260k; // llama2.c's 512-token SentencePiece vocabulary, converted

    @BeforeAll
    static void load(@TempDir Path tmp) throws IOException {
        tinyStories = Tokenizer.load(BundledModels.tinyStories656K());
        Llama2cCheckpoint.importTo(BundledModels.path("stories260K/stories260K.bin"), BundledModels.path("stories260K/tok512.bin"),
                tmp.resolve("stories260K"));
        stories260k = Tokenizer.load(tmp.resolve("stories260K"));
    }

    @AfterAll
    static void close() {
        tinyStories.close();
        stories260k.close();
    }

    static final Example ALPACA = new AlpacaExample("Where is my order?", "", "It is on its way.", null, Origin.NONE);

    static ExampleTokenizer plain(Tokenizer t, int max, Truncation truncation, LossOn loss, boolean packing) {
        return new ExampleTokenizer(t, new PromptFormat.Plain(), new TokenizationConfig(max, truncation, loss, packing));
    }

    static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }

    @Test
    void thePlainFormatTrainsOnlyTheCompletionAndTheEndOfSequence() {
        for (Tokenizer t : List.of(tinyStories, stories260k)) {
            TokenizedSplit s = plain(t, 512, Truncation.DROP, LossOn.COMPLETION, false).tokenize("train", List.of(ALPACA));
            TokenizedExample e = s.examples().getFirst();
            int[] prompt = t.encode("User: Where is my order?\nAssistant: ", false);
            int[] completion = t.encode("It is on its way.", false);
            assertThat(e.inputIds()).containsExactly(concat(new int[] {1}, prompt, completion, new int[] {2}));
            int[] expectedLabels = concat(IntStream.range(0, 1 + prompt.length).map(i -> TokenizedExample.IGNORE).toArray(),
                    completion, new int[] {2});
            assertThat(e.labels()).containsExactly(expectedLabels);
            assertThat(s.trainedTokens()).isEqualTo(completion.length + 1);
            assertThat(s.tokens().max()).isEqualTo(e.length());
        }
    }

    @Test
    void lossOnAllTokensScoresThePromptToo() {
        TokenizedExample e = plain(tinyStories, 512, Truncation.DROP, LossOn.ALL, false)
                .tokenize("train", List.of(ALPACA)).examples().getFirst();
        assertThat(e.labels()).containsExactly(e.inputIds());
    }

    @Test
    void anAlpacaInputFollowsTheInstructionAfterABlankLine() {
        Example withInput = new AlpacaExample("Translate", "bonjour", "hello", null, Origin.NONE);
        assertThat(new PromptFormat.Plain().render(withInput)).containsExactly(
                Segment.prompt("User: Translate\n\nbonjour\nAssistant: "), Segment.completion("hello"), Segment.END_OF_SEQUENCE);
    }

    @Test
    void truncationCutsThePromptFromTheLeftAndKeepsBosAndTheWholeCompletion() {
        Example longPrompt = new PromptCompletionExample("tell me a story about a cat and a dog and a big red ball",
                "no", null, Origin.NONE);
        ExampleTokenizer unlimited = plain(tinyStories, 512, Truncation.DROP, LossOn.COMPLETION, false);
        TokenizedExample full = unlimited.tokenize("t", List.of(longPrompt)).examples().getFirst();
        int max = full.length() - 4;
        TokenizedSplit cut = plain(tinyStories, max, Truncation.TRUNCATE_PROMPT, LossOn.COMPLETION, false)
                .tokenize("t", List.of(longPrompt));
        assertThat(cut.truncated()).isEqualTo(1);
        TokenizedExample e = cut.examples().getFirst();
        assertThat(e.length()).isEqualTo(max);
        assertThat(e.inputIds()[0]).isEqualTo(1);
        int[] fullIds = full.inputIds();
        assertThat(Arrays.copyOfRange(e.inputIds(), 1, max)).containsExactly(Arrays.copyOfRange(fullIds, 5, fullIds.length));
        assertThat(Arrays.copyOfRange(e.labels(), 1, max)).containsExactly(Arrays.copyOfRange(full.labels(), 5, fullIds.length));

        TokenizedSplit dropped = plain(tinyStories, max, Truncation.DROP, LossOn.COMPLETION, false).tokenize("t", List.of(longPrompt));
        assertThat(dropped.examples()).isEmpty();
        assertThat(dropped.dropped()).isEqualTo(1);
    }

    @Test
    void aCompletionThatAloneDoesNotFitIsDroppedEvenWhenTruncating() {
        Example longReply = new PromptCompletionExample("hi", "once upon a time there was a little girl named Lily",
                null, Origin.NONE);
        TokenizedSplit s = plain(tinyStories, 6, Truncation.TRUNCATE_PROMPT, LossOn.COMPLETION, false).tokenize("t", List.of(longReply));
        assertThat(s.examples()).isEmpty();
        assertThat(s.dropped()).isEqualTo(1);
        assertThat(s.records()).isEqualTo(1);
    }

    @Test
    void truncatingTheEndKeepsThePromptAndTheStartOfTheCompletion() {
        Example longReply = new PromptCompletionExample("hi", "once upon a time there was a little girl named Lily",
                null, Origin.NONE);
        TokenizedExample full = plain(tinyStories, 512, Truncation.DROP, LossOn.COMPLETION, false)
                .tokenize("t", List.of(longReply)).examples().getFirst();
        int max = full.length() - 2;
        TokenizedSplit s = plain(tinyStories, max, Truncation.TRUNCATE_END, LossOn.COMPLETION, false).tokenize("t", List.of(longReply));
        assertThat(s.truncated()).isEqualTo(1);
        assertThat(s.examples().getFirst().inputIds()).containsExactly(Arrays.copyOf(full.inputIds(), max));
        assertThat(s.examples().getFirst().labels()).containsExactly(Arrays.copyOf(full.labels(), max));
        int promptTokens = (int) Arrays.stream(full.labels()).filter(l -> l == TokenizedExample.IGNORE).count();
        TokenizedSplit none = plain(tinyStories, promptTokens, Truncation.TRUNCATE_END, LossOn.COMPLETION, false)
                .tokenize("t", List.of(longReply));
        assertThat(none.examples()).as("a prompt that fills the length leaves nothing to learn").isEmpty();
        assertThat(none.dropped()).isEqualTo(1);
    }

    @Test
    void packingCutsTheConcatenatedTextsIntoFullChunksSeparatedByEos() {
        List<Example> texts = List.of(new TextExample("Once upon a time", null, Origin.NONE),
                new TextExample("Tom had a red ball. He liked it a lot.", null, Origin.NONE),
                new TextExample("The end", null, Origin.NONE));
        ExampleTokenizer packer = plain(tinyStories, 8, Truncation.DROP, LossOn.COMPLETION, true);
        TokenizedSplit s = packer.tokenize("train", texts);
        int[] stream = texts.stream().flatMapToInt(t -> Arrays.stream(packer.encode(t).ids())).toArray();
        assertThat(s.examples()).allSatisfy(e -> assertThat(e.labels()).containsExactly(e.inputIds()));
        assertThat(s.examples().subList(0, s.examples().size() - 1)).allSatisfy(e -> assertThat(e.length()).isEqualTo(8));
        int[] joined = s.examples().stream().flatMapToInt(e -> Arrays.stream(e.inputIds())).toArray();
        // a last chunk of one token has nothing to predict and is left out
        int covered = stream.length % 8 == 1 ? stream.length - 1 : stream.length;
        assertThat(joined).containsExactly(Arrays.copyOf(stream, covered));
        assertThat(Arrays.stream(stream).filter(id -> id == 2).count()).isEqualTo(3);
    }

    @Test
    void aChatTemplateTrainsEachAssistantTurnWithItsEndOfTurnMarker() {
        ChatTemplate chatml = ChatTemplate.of(ChatTemplate.CHATML, "<s>", "</s>");
        Example chat = new ChatExample(List.of(new Message("system", "Be brief."), new Message("user", "Hi"),
                new Message("assistant", "Hello."), new Message("user", "Bye"), new Message("assistant", "Goodbye.")),
                null, Origin.NONE);
        List<Segment> segments = new PromptFormat.Templated(chatml).render(chat);
        assertThat(segments).extracting(Segment::trained).containsExactly(false, true, false, true);
        assertThat(segments.get(1).text()).isEqualTo("Hello.<|im_end|>\n");
        assertThat(segments.get(3).text()).isEqualTo("Goodbye.<|im_end|>\n");
        assertThat(segments.stream().map(Segment::text).reduce("", String::concat))
                .isEqualTo(chatml.render(chatList(), false));

        ExampleTokenizer t = new ExampleTokenizer(tinyStories, new PromptFormat.Templated(chatml), TokenizationConfig.defaults());
        TokenizedExample e = t.tokenize("train", List.of(chat)).examples().getFirst();
        int[] trained = IntStream.range(0, e.length()).filter(i -> e.labels()[i] != TokenizedExample.IGNORE)
                .map(i -> e.labels()[i]).toArray();
        assertThat(trained).containsExactly(concat(tinyStories.encode("Hello.<|im_end|>\n", false),
                tinyStories.encode("Goodbye.<|im_end|>\n", false)));
    }

    static List<dev.lathe.models.chat.ChatMessage> chatList() {
        return List.of(dev.lathe.models.chat.ChatMessage.system("Be brief."), dev.lathe.models.chat.ChatMessage.user("Hi"),
                dev.lathe.models.chat.ChatMessage.assistant("Hello."), dev.lathe.models.chat.ChatMessage.user("Bye"),
                dev.lathe.models.chat.ChatMessage.assistant("Goodbye."));
    }

    @Test
    void aTemplateThatRewritesEarlierTurnsIsRefusedWithAPointer() {
        // Renders only the last message: a longer conversation is not a longer text.
        ChatTemplate lastOnly = ChatTemplate.of("{{ messages[-1]['content'] }}{% if add_generation_prompt %}>{% endif %}",
                null, null);
        Example chat = new ChatExample(List.of(new Message("user", "Hi"), new Message("assistant", "Hello.")), null,
                new Origin("chat.jsonl", 3, 3));
        assertThatThrownBy(() -> new PromptFormat.Templated(lastOnly).render(chat))
                .hasMessageContaining("chat.jsonl: record 3").hasMessageContaining("tokenization.format: plain");
    }

    @Test
    void theReportCountsRecordsSequencesAndTokens() {
        ExampleTokenizer t = plain(tinyStories, 512, Truncation.DROP, LossOn.COMPLETION, false);
        TokenizationReport r = TokenizationReport.of(t, List.of(t.tokenize("train", List.of(ALPACA, ALPACA)),
                t.tokenize("validation", List.of(ALPACA))));
        assertThat(r.splits()).extracting(TokenizationReport.SplitFigures::sequences).containsExactly(2, 1);
        assertThat(r.toTable()).contains("train sequence length (tokens)").contains("validation");
    }
}
