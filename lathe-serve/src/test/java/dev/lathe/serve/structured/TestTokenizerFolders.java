package dev.lathe.serve.structured;

import java.io.IOException;
import java.nio.file.Path;

/** Opens {@link TokenizerFiles} to tests outside this package (the server tests build a model folder with it). */
public final class TestTokenizerFolders {
    private TestTokenizerFolders() {}

    /** Writes a byte-level BPE tokenizer.json (256 byte tokens, a few merges, {@code <|endoftext|>}) into {@code dir}. */
    public static Path byteLevel(Path dir) throws IOException {
        return TokenizerFiles.byteLevel(dir);
    }
}
