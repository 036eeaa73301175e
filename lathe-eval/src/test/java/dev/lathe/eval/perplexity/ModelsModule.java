package dev.lathe.eval.perplexity;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Models the tests read from lathe-models' test resources, by their path in the repository (Maven runs
 * tests in the module's folder), so that lathe-eval keeps no copy of them.
 */
final class ModelsModule {
    private ModelsModule() {}

    static Path resource(String path) {
        Path p = Path.of("..", "lathe-models", "src", "test", "resources").resolve(path).toAbsolutePath().normalize();
        if (!Files.exists(p)) {
            throw new IllegalStateException("missing " + p + ": tests run from the lathe-eval module folder of a"
                    + " full checkout and read lathe-models' test resources");
        }
        return p;
    }
}
