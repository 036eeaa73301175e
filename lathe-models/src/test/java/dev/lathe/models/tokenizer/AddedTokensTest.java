package dev.lathe.models.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** tokenizer.json's added_tokens are told apart from model pieces, special or not. */
class AddedTokensTest {
    @Test
    void addedTokensAreMarkedAndModelPiecesAreNot() {
        Tokenizer t = TestTokenizers.tinyStories();
        for (int id = 0; id < 3; id++) {
            assertThat(t.isAdded(id)).as(t.idToToken(id)).isTrue();
        }
        int piece = t.tokenToId("\u2581the\u2581").orElseThrow();
        assertThat(t.isAdded(piece)).isFalse();
        assertThatThrownBy(() -> t.isAdded(t.vocabSize())).hasMessageContaining("outside the vocabulary");
    }
}
