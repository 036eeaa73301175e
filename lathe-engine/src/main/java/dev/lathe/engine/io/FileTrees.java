package dev.lathe.engine.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Whole-folder operations for the places that publish a folder by renaming a temporary sibling
 * (checkpoints, converted and imported models): removing a folder and everything in it. Symbolic
 * links are removed, never followed, so nothing outside the folder is touched.
 */
public final class FileTrees {
    private FileTrees() {}

    /** Deletes {@code root} and everything below it; does nothing when it does not exist. */
    public static void delete(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> deepestFirst;
        try (Stream<Path> walk = Files.walk(root)) {
            deepestFirst = walk.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : deepestFirst) {
            Files.deleteIfExists(p);
        }
    }
}
