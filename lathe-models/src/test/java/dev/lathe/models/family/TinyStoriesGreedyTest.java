package dev.lathe.models.family;

import dev.lathe.engine.testing.BundledModels;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.models.KvCache;
import dev.lathe.models.format.Weights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real TinyStories-656K checkpoint (Llama, tied head stored only as lm_head.weight): greedy decoding
 * from the prompt ids in its greedy-*.txt files reproduces the recorded 80-token continuation, through
 * prefill + single-sequence decode and through decodeBatch of both stories together.
 */
class TinyStoriesGreedyTest {
    private static final Path DIR = BundledModels.tinyStories656K();
    private static final int MAX_NEW_TOKENS = 160;

    record Story(int[] prompt, String text) {}

    @ParameterizedTest
    @ValueSource(strings = {"greedy-once-upon-a-time.txt", "greedy-tom-and-lily.txt"})
    void greedyDecodingReproducesTheRecordedContinuation(String file) throws IOException {
        Story story = story(file);
        try (Weights weights = Weights.open(DIR)) {
            DecoderModel model = DecoderFamilies.load(DIR, weights);
            KvCache cache = model.newCache(story.prompt().length + MAX_NEW_TOKENS);
            float[] logits = model.forward(story.prompt(), cache);
            List<Integer> out = new ArrayList<>();
            while (true) {
                out.add(argmax(logits));
                if (matches(story, out)) {
                    break;
                }
                logits = model.forward(new int[] {out.getLast()}, cache);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void bothStoriesDecodedTogetherInOneBatchMatchTheirRecordedContinuations() throws IOException {
        Story[] stories = {story("greedy-once-upon-a-time.txt"), story("greedy-tom-and-lily.txt")};
        try (Weights weights = Weights.open(DIR)) {
            DecoderModel model = DecoderFamilies.load(DIR, weights);
            KvCache[] caches = new KvCache[2];
            float[][] logits = new float[2][];
            List<List<Integer>> out = List.of(new ArrayList<>(), new ArrayList<>());
            boolean[] done = new boolean[2];
            for (int i = 0; i < 2; i++) {
                caches[i] = model.newCache(stories[i].prompt().length + MAX_NEW_TOKENS);
                logits[i] = model.forward(stories[i].prompt(), caches[i]);
            }
            while (!done[0] || !done[1]) {
                int[] tokens = new int[2];
                for (int i = 0; i < 2; i++) {
                    tokens[i] = argmax(logits[i]);
                    if (!done[i]) {
                        out.get(i).add(tokens[i]);
                        done[i] = matches(stories[i], out.get(i));
                    }
                }
                // Both advance together in one batch until both stories are complete.
                model.decodeBatch(tokens, caches, logits);
            }
        }
    }

    /**
     * Whether the generated text now equals the recorded one; fails as soon as it departs from it. The
     * files record text, not ids, so the comparison is on the decoded text, token by token.
     */
    private static boolean matches(Story story, List<Integer> out) throws IOException {
        int[] ids = concat(story.prompt(), out.stream().mapToInt(Integer::intValue).toArray());
        String text = decode(ids);
        assertThat(story.text()).as("recorded text after %d generated tokens", out.size()).startsWith(text);
        assertThat(out.size()).as("tokens generated without reaching the recorded end").isLessThan(MAX_NEW_TOKENS);
        return text.equals(story.text());
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** The file's prompt ids and its text with the "|" marking where the continuation starts removed. */
    private static Story story(String file) throws IOException {
        String all = Files.readString(DIR.resolve(file));
        int nl = all.indexOf('\n');
        String header = all.substring(0, nl);
        String ids = header.substring(header.indexOf('[') + 1, header.indexOf(']'));
        int[] prompt = Arrays.stream(ids.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        String text = all.substring(nl + 1).stripTrailing();
        return new Story(prompt, text.replace(" |", ""));
    }

    private static Map<Integer, String> vocab;

    /**
     * Just enough of the tokenizer's decoder for this test (the tokenizer is another module's job):
     * special tokens dropped, "▁" to space, the single leading space stripped.
     */
    private static String decode(int[] ids) throws IOException {
        if (vocab == null) {
            JsonNode root = new ObjectMapper().readTree(DIR.resolve("tokenizer.json").toFile());
            Map<Integer, String> v = new HashMap<>();
            root.get("model").get("vocab").properties().forEach(e -> v.put(e.getValue().intValue(), e.getKey()));
            vocab = v;
        }
        List<String> pieces = new ArrayList<>();
        for (int id : ids) {
            if (id > 2) {
                pieces.add(vocab.get(id));
            }
        }
        String text = String.join("", pieces).replace('▁', ' ');
        return (text.startsWith(" ") ? text.substring(1) : text).stripTrailing();
    }
}
