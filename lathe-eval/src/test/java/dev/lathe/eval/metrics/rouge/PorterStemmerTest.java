package dev.lathe.eval.metrics.rouge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Our Porter stemmer against NLTK's (tools/reference/porter_stemmer.py wrote the pairs). */
class PorterStemmerTest {

    @Test
    void every_word_stems_as_nltk_stems_it() {
        List<String[]> pairs = RougeTestData.tsv("porter_nltk.tsv");
        assertThat(pairs).hasSizeGreaterThan(10_000);
        List<String> mismatches = new ArrayList<>();
        for (String[] p : pairs) {
            String got = PorterStemmer.stem(p[0]);
            if (!got.equals(p[1])) {
                mismatches.add(p[0] + " -> " + got + " (nltk: " + p[1] + ")");
            }
        }
        assertThat(mismatches).as("words stemmed differently from NLTK").isEmpty();
    }

    @Test
    void textbook_examples_and_nltk_extensions_hold() {
        assertThat(PorterStemmer.stem("caresses")).isEqualTo("caress");
        assertThat(PorterStemmer.stem("ponies")).isEqualTo("poni");
        assertThat(PorterStemmer.stem("relational")).isEqualTo("relat");
        assertThat(PorterStemmer.stem("hopping")).isEqualTo("hop");
        assertThat(PorterStemmer.stem("dies")).isEqualTo("die");    // NLTK: 4-letter "ies"
        assertThat(PorterStemmer.stem("dying")).isEqualTo("die");   // irregular form
        assertThat(PorterStemmer.stem("enjoy")).isEqualTo("enjoy"); // y kept after a vowel
        assertThat(PorterStemmer.stem("happy")).isEqualTo("happi");
        assertThat(PorterStemmer.stem("is")).isEqualTo("is");       // two letters: untouched
    }

    @Test
    void uppercase_input_is_lowercased_but_the_irregular_table_sees_it_as_given() {
        assertThat(PorterStemmer.stem("Running")).isEqualTo("run");
        // NLTK looks "SKY" up unlowered, misses the table, and stems "sky" by the rules
        assertThat(PorterStemmer.stem("SKY")).isEqualTo("ski");
        assertThat(PorterStemmer.stem("sky")).isEqualTo("sky");
    }

    @Test
    void null_is_rejected() {
        assertThatThrownBy(() -> PorterStemmer.stem(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("word");
    }
}
