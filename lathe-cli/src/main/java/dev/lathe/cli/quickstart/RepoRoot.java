package dev.lathe.cli.quickstart;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository clone the quickstart reads {@code data/} and {@code models/} from: the folder given, else
 * the nearest folder at or above the working folder that has the bundled dataset, else the clone the
 * running jar was built in ({@code <repo>/lathe-cli/target/lathe-cli.jar}).
 */
public final class RepoRoot {
    static final String DATASET = "data/bitext-customer-support.csv";

    private RepoRoot() {}

    public static Path find(Path given) {
        if (given != null) {
            if (!Files.isRegularFile(given.resolve(DATASET))) {
                throw new IllegalArgumentException("--repo " + given + ": no " + DATASET + " there; give the folder of a"
                        + " Lathe clone");
            }
            return given.toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(DATASET))) return p;
        }
        try {
            Path jar = Path.of(RepoRoot.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = jar; p != null; p = p.getParent()) {
                if (Files.isRegularFile(p.resolve(DATASET))) return p;
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // no code source to look from: fall through to the error
        }
        throw new IllegalArgumentException("cannot find " + DATASET + " in the working folder, above it, or beside the"
                + " Lathe jar: run the quickstart inside a Lathe clone, or give --repo DIR");
    }
}
