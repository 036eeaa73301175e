package dev.lathe.eval.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads line-aligned text files as sacreBLEU does: UTF-8, one segment per line, the line ending
 * ({@code \n} or {@code \r\n}) removed and nothing else, so a file's last line needs no newline. A
 * hypothesis file of "-" is standard input.
 */
public final class LineFiles {
    private LineFiles() {}

    /** The lines of {@code file}, or of {@code stdin} when the name is {@code -}. */
    public static List<String> read(String file, InputStream stdin) throws IOException {
        if ("-".equals(file)) {
            return read(stdin);
        }
        Path p = Path.of(file);
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("no such file: " + file);
        }
        try (InputStream in = Files.newInputStream(p)) {
            return read(in);
        }
    }

    static List<String> read(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line = r.readLine(); line != null; line = r.readLine()) {
            lines.add(line);
        }
        return lines;
    }

    /** Fails unless {@code b} has as many lines as {@code a}, naming both files and counts. */
    public static void requireSameLength(String nameA, List<String> a, String nameB, List<String> b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException("line counts differ: " + display(nameA) + " has " + a.size()
                    + " lines, " + display(nameB) + " has " + b.size());
        }
    }

    private static String display(String name) {
        return "-".equals(name) ? "standard input" : name;
    }
}
