package dev.lathe.eval.metrics.rouge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** rouge-score's default tokenizer: lowercase, runs of [a-z0-9], optional Porter stemming. */
class DefaultTokenizerTest {

    private static final RougeTokenizer PLAIN = RougeTokenizer.defaultTokenizer(false);
    private static final RougeTokenizer STEM = RougeTokenizer.defaultTokenizer(true);

    @Test
    void punctuation_splits_and_case_folds() {
        assertThat(PLAIN.tokenize("Hello, World! It's 2024-01-01."))
                .containsExactly("hello", "world", "it", "s", "2024", "01", "01");
    }

    @Test
    void only_ascii_letters_and_digits_survive() {
        // rouge-score drops every non-ASCII letter: accents split words, CJK vanishes
        assertThat(PLAIN.tokenize("Café naïve résumé 東京 Straße"))
                .containsExactly("caf", "na", "ve", "r", "sum", "stra", "e");
        assertThat(PLAIN.tokenize("ＡＢＣ ａｂｃ 123")).containsExactly("123");
        assertThat(PLAIN.tokenize("東京タワー")).isEmpty();
        assertThat(PLAIN.tokenize("İstanbul KELVIN \u212Aelvin"))
                .containsExactly("i", "stanbul", "kelvin", "kelvin");
    }

    @Test
    void stemming_applies_only_to_tokens_longer_than_three_characters() {
        assertThat(STEM.tokenize("The running dogs were happily jumping; flies died."))
                .containsExactly("the", "run", "dog", "were", "happili", "jump", "fli", "die");
        assertThat(STEM.tokenize("caresses ponies generalizations"))
                .containsExactly("caress", "poni", "gener");
        assertThat(STEM.tokenize("ies eds")).containsExactly("ies", "eds"); // 3 chars: not stemmed
    }

    @Test
    void empty_and_blank_text_give_no_tokens() {
        assertThat(PLAIN.tokenize("")).isEmpty();
        assertThat(PLAIN.tokenize(" \n\t/ -- ")).isEmpty();
    }

    @Test
    void every_code_point_lowercases_to_the_ascii_python_gives() {
        Map<Integer, String> expected = new HashMap<>();
        for (String[] row : RougeTestData.tsv("lowercase_ascii.tsv")) {
            expected.put(Integer.parseInt(row[0], 16), row[1]);
        }
        assertThat(expected).containsKeys(0x0130, 0x212A);
        StringBuilder wrong = new StringBuilder();
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if ((cp >= 0xD800 && cp <= 0xDFFF) || (cp < 128 && Character.isLetterOrDigit(cp))) {
                continue;
            }
            List<String> tokens = PLAIN.tokenize(Character.toString(cp));
            String got = String.join("", tokens);
            if (!got.equals(expected.getOrDefault(cp, ""))) {
                wrong.append(String.format("U+%04X -> '%s'%n", cp, got));
            }
        }
        assertThat(wrong.toString()).as("code points lowercased unlike Python").isEmpty();
    }
}
