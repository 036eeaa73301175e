package dev.lathe.models.tokenizer;

import dev.lathe.engine.testing.BundledModels;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** The real tokenizers the tests use, loaded once per test JVM (never closed: the JVM exits). */
final class TestTokenizers {
    private TestTokenizers() {}

    static Path resource(String name) {
        try {
            return Path.of(TestTokenizers.class.getResource(name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test resource missing: " + name, e);
        }
    }

    static Path tinyStoriesDir() {
        return BundledModels.tinyStories656K();
    }

    static Path miniLmJson() {
        return resource("/models/all-MiniLM-L6-v2-tokenizer/tokenizer.json");
    }

    static Tokenizer tinyStories() {
        return Holder.TINY_STORIES;
    }

    static Tokenizer miniLm() {
        return Holder.MINI_LM;
    }

    private static final class Holder {
        static final Tokenizer TINY_STORIES = Tokenizer.load(tinyStoriesDir());
        static final Tokenizer MINI_LM = Tokenizer.fromJson(miniLmJson(), TokenizerConfig.EMPTY);
    }
}
