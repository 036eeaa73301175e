package dev.lathe.engine.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {

    @Test
    void deletesAFolderWithEverythingInItButNotWhatALinkPointsTo(@TempDir Path dir) throws IOException {
        Path outside = Files.writeString(dir.resolve("outside.txt"), "keep me");
        Path tree = dir.resolve("checkpoint-3");
        Files.createDirectories(tree.resolve("adapter"));
        Files.writeString(tree.resolve("adapter/adapter_config.json"), "{}");
        Files.writeString(tree.resolve("optimizer.bin"), "x");
        Files.createSymbolicLink(tree.resolve("link"), outside);

        FileTrees.delete(tree);

        assertThat(tree).doesNotExist();
        assertThat(outside).hasContent("keep me");
    }

    @Test
    void aMissingFolderIsNotAnError(@TempDir Path dir) throws IOException {
        FileTrees.delete(dir.resolve("never-created"));
    }
}
