package dev.lathe.eval.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lathe.engine.io.AtomicFile;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes an {@link EvalReport} as pretty-printed JSON (record components as fields, non-finite numbers
 * as the strings "NaN"/"Infinity"), atomically.
 */
public final class JsonReport {
    private JsonReport() {}

    static ObjectMapper mapper() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    public static String render(Object report) throws IOException {
        return mapper().writeValueAsString(report);
    }

    public static void write(Object report, Path file) throws IOException {
        AtomicFile.write(file, mapper().writeValueAsBytes(report));
    }
}
