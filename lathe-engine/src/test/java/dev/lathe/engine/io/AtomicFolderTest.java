package dev.lathe.engine.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFolderTest {

    private static final int PAYLOAD = 20_000;
    private static final List<String> FILES = List.of("adapter_model.safetensors", "adapter_config.json",
            "sub/extra.txt");

    /** Writes every file of {@link #FILES} with the same generation number. */
    private static AtomicFolder.FolderWriter generation(int g) {
        return dir -> {
            for (String f : FILES) {
                Path p = dir.resolve(f);
                Files.createDirectories(p.getParent());
                Files.writeString(p, "generation " + g + " " + "x".repeat(PAYLOAD));
            }
        };
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void publishesANewFolderWithEveryFileAndNoTemporarySiblingLeft(@TempDir Path root) throws IOException {
        Path target = root.resolve("adapter");
        AtomicFolder.replace(target, generation(1));
        for (String f : FILES) {
            assertThat(target.resolve(f)).content().startsWith("generation 1 ");
        }
        assertThat(names(root)).containsExactly("adapter");
    }

    @Test
    void replacingSwapsTheWholeFolderSoOldFilesTheWriterDidNotWriteAreGone(@TempDir Path root) throws IOException {
        Path target = root.resolve("adapter");
        AtomicFolder.replace(target, generation(1));
        Files.writeString(target.resolve("stale.bin"), "old");
        AtomicFolder.replace(target, generation(2));
        assertThat(target.resolve("adapter_config.json")).content().startsWith("generation 2 ");
        assertThat(target.resolve("stale.bin")).doesNotExist();
        assertThat(names(root)).containsExactly("adapter");
    }

    @Test
    void aWriterThatThrowsMidwayLeavesThePreviousFolderIntactAndNoPartialFolder(@TempDir Path root)
            throws IOException {
        Path target = root.resolve("checkpoint-10");
        AtomicFolder.replace(target, generation(1));
        assertThatThrownBy(() -> AtomicFolder.replace(target, dir -> {
            Files.writeString(dir.resolve("adapter_model.safetensors"), "half");
            throw new IOException("disk full");
        })).hasMessage("disk full");
        for (String f : FILES) {
            assertThat(target.resolve(f)).content().startsWith("generation 1 ");
        }
        assertThat(names(root)).containsExactly("checkpoint-10");
    }

    @Test
    void aWriterThatThrowsOnAFreshTargetLeavesNothingAtAll(@TempDir Path root) throws IOException {
        Path target = root.resolve("converted");
        assertThatThrownBy(() -> AtomicFolder.replace(target, dir -> {
            Files.writeString(dir.resolve("a"), "x");
            throw new IllegalStateException("bad tensor");
        })).hasMessage("bad tensor");
        assertThat(names(root)).isEmpty();
    }

    @Test
    void createIfAbsentKeepsAnExistingFolderAndReportsIt(@TempDir Path root) throws IOException {
        Path target = root.resolve("cache-entry");
        assertThat(AtomicFolder.createIfAbsent(target, generation(1))).isTrue();
        assertThat(AtomicFolder.createIfAbsent(target, generation(2))).isFalse();
        assertThat(target.resolve("adapter_config.json")).content().startsWith("generation 1 ");
        assertThat(names(root)).containsExactly("cache-entry");
    }

    @Test
    void createIfAbsentKeepsTheFolderAnotherWriterPublishedWhileThisOneWasWriting(@TempDir Path root)
            throws IOException {
        Path target = root.resolve("cache-entry");
        boolean published = AtomicFolder.createIfAbsent(target, dir -> {
            generation(2).writeInto(dir);
            AtomicFolder.replace(target, generation(1)); // the other writer wins the race
        });
        assertThat(published).isFalse();
        assertThat(target.resolve("adapter_config.json")).content().startsWith("generation 1 ");
        assertThat(names(root)).containsExactly("cache-entry");
    }

    @Test
    void aNewFolderGetsOrdinaryPermissionsAndAReplacedOneKeepsItsOwn(@TempDir Path root) throws IOException {
        Path target = root.resolve("adapter");
        AtomicFolder.replace(target, generation(1));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rwxr-xr-x");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-x---"));
        AtomicFolder.replace(target, generation(2));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rwxr-x---");
    }

    @Test
    void anEmptyFolderCreatedByTheCallerBeforehandIsReplaced(@TempDir Path root) throws IOException {
        Path target = Files.createDirectories(root.resolve("classifier"));
        assertThat(AtomicFolder.createIfAbsent(target, generation(3))).isTrue();
        assertThat(target.resolve("sub/extra.txt")).content().startsWith("generation 3 ");
    }

    @Test
    void leftoversOfADeadWriterAreCleanedAndAStrandedOldFolderIsRestored(@TempDir Path root) throws IOException {
        long deadPid = deadProcessId();
        Path target = root.resolve("adapter");
        // A writer killed after moving the old folder aside and before renaming its new one into place:
        Path old = root.resolve(".adapter.old-" + deadPid + "-123");
        generation(1).writeInto(Files.createDirectories(old));
        Path tmp = root.resolve(".adapter.tmp-" + deadPid + "-456");
        Files.writeString(Files.createDirectories(tmp).resolve("adapter_model.safetensors"), "half");
        // A live writer's temporary folder (this process) must be left alone:
        Path live = Files.createDirectories(root.resolve(".adapter.tmp-" + ProcessHandle.current().pid() + "-789"));

        AtomicFolder.tidyAfterDeadWriters(target.toAbsolutePath());

        assertThat(target.resolve("adapter_config.json")).content().startsWith("generation 1 ");
        assertThat(old).doesNotExist();
        assertThat(tmp).doesNotExist();
        assertThat(live).exists();
    }

    @Test
    void concurrentReadersSeeEitherNoFolderOrACompleteOne(@TempDir Path root) throws Exception {
        Path target = root.resolve("adapter");
        AtomicFolder.replace(target, generation(0));
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> torn = new AtomicReference<>();
        AtomicInteger completeReads = new AtomicInteger();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            readers.add(Thread.ofPlatform().start(() -> {
                while (!done.get() && torn.get() == null) {
                    String seen = readGeneration(target);
                    if (seen != null && seen.startsWith("torn")) {
                        torn.set(seen);
                    } else if (seen != null) {
                        completeReads.incrementAndGet();
                    }
                }
            }));
        }
        try {
            for (int g = 1; g <= 60; g++) {
                AtomicFolder.replace(target, generation(g));
            }
        } finally {
            done.set(true);
            for (Thread t : readers) {
                t.join();
            }
        }
        assertThat(torn.get()).isNull();
        assertThat(completeReads.get()).isPositive();
        assertThat(names(root)).containsExactly("adapter");
    }

    /**
     * What a reader finds: null when its read was inconclusive (no folder, or the folder at the path changed while it
     * read: the old one is deleted once replaced, so a reader holding it sees it emptied), "torn ..." when a folder
     * that stayed in place throughout lacked a file, held a file cut short or files of two generations, else the
     * generation it holds. The folder's identity (device and inode) before and after the read tells whether it
     * stayed in place.
     */
    private static String readGeneration(Path target) {
        try {
            Object before = identity(target);
            List<String> present;
            try (Stream<Path> s = Files.walk(target)) {
                present = s.filter(Files::isRegularFile).map(p -> target.relativize(p).toString()).sorted().toList();
            }
            List<String> contents = new ArrayList<>();
            for (String f : present) {
                contents.add(Files.readString(target.resolve(f)));
            }
            Object after = identity(target);
            if (!before.equals(after)) {
                return null;
            }
            if (!present.equals(FILES.stream().sorted().toList())) {
                return "torn: the folder holds " + present;
            }
            for (String c : contents) {
                if (!c.matches("generation \\d+ x{" + PAYLOAD + "}")) {
                    return "torn: a file is cut short (" + c.length() + " chars)";
                }
                if (!c.equals(contents.getFirst())) {
                    return "torn: two generations in one folder";
                }
            }
            return contents.getFirst().substring(0, 20);
        } catch (NoSuchFileException e) {
            return null;
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof NoSuchFileException) {
                return null;
            }
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The folder's inode with its status-change and birth times: inode numbers of deleted folders are reused at
     * once on some file systems, and the times tell a reused inode from the one read before.
     */
    private static List<Object> identity(Path dir) throws IOException {
        var a = Files.readAttributes(dir, "unix:ino,ctime,creationTime");
        return List.of(a.get("ino"), a.get("ctime"), a.get("creationTime"));
    }

    private static long deadProcessId() throws IOException {
        try {
            Process p = new ProcessBuilder("true").start();
            p.waitFor();
            return p.pid();
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }
}
