package dev.lathe.eval.metrics.rouge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The Punkt approximation used by splitSummaries (our behaviour, not NLTK's numbers). */
class SentenceSplitterTest {

    @Test
    void sentences_end_at_terminal_punctuation_followed_by_space() {
        assertThat(SentenceSplitter.split("The cat sat. The dog ran! Did it?  Yes."))
                .containsExactly("The cat sat.", "The dog ran!", "Did it?", "Yes.");
    }

    @Test
    void abbreviations_initials_and_decimals_do_not_end_sentences() {
        assertThat(SentenceSplitter.split("Dr. Smith met J. R. Jones at 3.5 p.m. today. He left."))
                .containsExactly("Dr. Smith met J. R. Jones at 3.5 p.m. today.", "He left.");
        assertThat(SentenceSplitter.split("See e.g. the U.S. report. It helps."))
                .containsExactly("See e.g. the U.S. report.", "It helps.");
    }

    @Test
    void closing_quotes_stay_with_their_sentence_and_newlines_alone_do_not_split() {
        assertThat(SentenceSplitter.split("He said \"stop.\" Then\nhe went..."))
                .containsExactly("He said \"stop.\"", "Then\nhe went...");
        assertThat(SentenceSplitter.split("Wait... what")).containsExactly("Wait... what");
    }

    @Test
    void empty_and_blank_text_give_no_sentences() {
        assertThat(SentenceSplitter.split("")).isEmpty();
        assertThat(SentenceSplitter.split("  \n ")).isEmpty();
    }
}
