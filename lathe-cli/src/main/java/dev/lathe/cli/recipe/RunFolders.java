package dev.lathe.cli.recipe;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Run folders {@code <root>/<name>-<yyyyMMdd-HHmmss>} (UTC): a new run always gets a folder that did not
 * exist (a suffix {@code -2}, {@code -3} ... when two start in the same second), created atomically, so no
 * run ever writes into an earlier one; {@code --resume} picks the newest existing folder of the name.
 */
public final class RunFolders {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private RunFolders() {}

    /** A new, empty run folder. */
    public static Path fresh(Path root, String name) throws IOException {
        Files.createDirectories(root);
        String base = name + "-" + ZonedDateTime.now(ZoneOffset.UTC).format(STAMP);
        for (int i = 1; ; i++) {
            Path dir = root.resolve(i == 1 ? base : base + "-" + i);
            try {
                return Files.createDirectory(dir);
            } catch (FileAlreadyExistsException e) {
                // taken by an earlier run: try the next suffix
            }
        }
    }

    /** The newest run folder of {@code name} under {@code root}, if any (newest by its name's time stamp). */
    static Optional<Path> latest(Path root, String name) throws IOException {
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        String pattern = java.util.regex.Pattern.quote(name) + "-\\d{8}-\\d{6}(-\\d+)?";
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(Files::isDirectory).filter(p -> p.getFileName().toString().matches(pattern))
                    .max(Comparator.comparing((Path p) -> stamp(p.getFileName().toString(), name))
                            .thenComparingInt(p -> suffix(p.getFileName().toString(), name)));
        }
    }

    private static String stamp(String folder, String name) {
        return folder.substring(name.length() + 1, name.length() + 16);
    }

    private static int suffix(String folder, String name) {
        String rest = folder.substring(name.length() + 16);
        return rest.isEmpty() ? 1 : Integer.parseInt(rest.substring(1));
    }
}
