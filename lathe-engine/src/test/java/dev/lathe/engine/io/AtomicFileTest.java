package dev.lathe.engine.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {

    @Test
    void replacesTheFileWithTheCompleteNewContent(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("state.bin");
        AtomicFile.write(file, new byte[] {1, 2, 3});
        AtomicFile.write(file, out -> out.write(new byte[] {4, 5}));
        assertThat(Files.readAllBytes(file)).containsExactly(4, 5);
        try (var listing = Files.list(dir)) {
            assertThat(listing).containsExactly(file);
        }
    }

    @Test
    void aWriterThatFailsLeavesTheOldFileAndNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("adapter.safetensors");
        AtomicFile.write(file, new byte[] {7, 7, 7});
        assertThatThrownBy(() -> AtomicFile.write(file, out -> {
            out.write(new byte[] {9, 9});
            throw new IOException("disk full");
        })).hasMessage("disk full");
        assertThat(Files.readAllBytes(file)).containsExactly(7, 7, 7);
        try (var listing = Files.list(dir)) {
            assertThat(listing).containsExactly(file);
        }
    }

    @Test
    void aNewFileGetsOrdinaryPermissionsAndAReplacedOneKeepsItsOwn(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("report.json");
        AtomicFile.write(file, new byte[] {1});
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-r--r--");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw----"));
        AtomicFile.write(file, new byte[] {2});
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-rw----");
    }

    @Test
    void createsMissingParentDirectories(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("runs/a/checkpoint.bin");
        AtomicFile.write(file, new byte[] {1});
        assertThat(file).exists();
    }
}
