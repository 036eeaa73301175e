package dev.lathe.engine.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The small real models shipped in the repository's {@code models/} folder (stories260K, TinyStories-656K), for
 * tests of every module. There is one copy of each, the one users run the quickstart with; tests find it by
 * walking up from the working directory (Maven runs a module's tests in the module folder) to the repository
 * root, the first folder holding both {@code models/README.md} and {@code pom.xml}. Only the checkout itself is
 * searched, so a fresh clone passes.
 */
public final class BundledModels {
    private BundledModels() {}

    /** The repository root: the nearest folder at or above the working directory with models/ and pom.xml. */
    public static Path repoRoot() {
        Path start = Path.of("").toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("models/README.md")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no folder at or above " + start + " holds models/README.md and pom.xml;"
                + " run the tests inside a Lathe checkout");
    }

    /**
     * {@code models/<relative>} of the repository, a folder or file that must exist (e.g. "TinyStories-656K",
     * "stories260K/tok512.bin").
     */
    public static Path path(String relative) {
        Path p = repoRoot().resolve("models").resolve(relative).normalize();
        if (!Files.exists(p)) {
            throw new UncheckedIOException(new IOException(p + " is missing: the repository's models/ folder has"
                    + " no " + relative));
        }
        return p;
    }

    /** Karpathy's 260K-parameter llama2.c checkpoint folder: {@code stories260K.bin}, {@code tok512.bin}. */
    public static Path stories260K() {
        return path("stories260K");
    }

    /** The 656K-parameter Llama in Hugging Face format. */
    public static Path tinyStories656K() {
        return path("TinyStories-656K");
    }
}
