package dev.lathe.eval.metrics.rouge;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads the test vectors under src/test/resources/rouge/. */
final class RougeTestData {

    private RougeTestData() {
    }

    static String text(String name) {
        try (InputStream in = RougeTestData.class.getResourceAsStream("/rouge/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource rouge/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Python's f.readlines(): lines with their newline kept. */
    static List<String> readlines(String name) {
        String s = text(name);
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\n') {
                out.add(s.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < s.length()) {
            out.add(s.substring(start));
        }
        return out;
    }

    /** Tab-separated rows, skipping '#' comment lines. */
    static List<String[]> tsv(String name) {
        List<String[]> rows = new ArrayList<>();
        for (String line : text(name).split("\n")) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                rows.add(line.split("\t", -1));
            }
        }
        return rows;
    }
}
