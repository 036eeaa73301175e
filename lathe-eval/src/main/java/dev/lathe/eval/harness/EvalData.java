package dev.lathe.eval.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Loads an evaluation set from JSON Lines ({@code .jsonl}/{@code .json}: one object per line) or CSV
 * ({@code .csv}, RFC 4180: a header row, quoted fields with doubled quotes, newlines inside quotes).
 * The input column defaults to the first of {@code prompt}, {@code instruction}, {@code text} present;
 * the target column to the first of {@code completion}, {@code output}, {@code answer}, {@code target},
 * {@code label}. With the {@code instruction} column, a non-empty {@code input} column is appended
 * after a blank line (Alpaca layout). A JSON target may be a string, a number, a list of strings
 * (several gold answers) or a SQuAD answers object {@code {"text": [...]}}.
 */
public final class EvalData {
    static final List<String> INPUT_DEFAULTS = List.of("prompt", "instruction", "text");
    static final List<String> TARGET_DEFAULTS = List.of("completion", "output", "answer", "target", "label");

    /**
     * A loaded set.
     *
     * @param inputColumn the column read as input
     * @param targetColumn the column read as target, null when the file has none
     */
    public record Loaded(List<EvalExample> examples, String inputColumn, String targetColumn) {}

    private EvalData() {}

    /**
     * Reads {@code file}; null columns take the defaults above; {@code limit} &gt; 0 keeps the first N examples.
     */
    public static Loaded load(Path file, String inputColumn, String targetColumn, int limit) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such data file: " + file);
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        List<Map<String, Object>> rows = name.endsWith(".csv") ? readCsv(file) : readJsonl(file);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no examples");
        }
        Map<String, Object> first = rows.getFirst();
        String in = inputColumn != null ? inputColumn : pick(first, INPUT_DEFAULTS);
        if (in == null || !first.containsKey(in)) {
            throw new IllegalArgumentException(file + ": no input column " + (in != null ? "'" + in + "'"
                    : "(looked for " + INPUT_DEFAULTS + ")") + "; columns are " + first.keySet()
                    + " (use --input-column)");
        }
        String tgt = targetColumn != null ? targetColumn : pick(first, TARGET_DEFAULTS);
        if (targetColumn != null && !first.containsKey(targetColumn)) {
            throw new IllegalArgumentException(file + ": no target column '" + targetColumn + "'; columns are "
                    + first.keySet());
        }
        List<EvalExample> out = new ArrayList<>();
        for (int i = 0; i < rows.size() && (limit <= 0 || out.size() < limit); i++) {
            Map<String, Object> row = rows.get(i);
            Object v = row.get(in);
            if (v == null) {
                throw new IllegalArgumentException(file + ": example " + (i + 1) + " has no '" + in + "'");
            }
            String input = text(v);
            if ("instruction".equals(in) && row.get("input") != null && !text(row.get("input")).isEmpty()) {
                input = input + "\n\n" + text(row.get("input"));
            }
            List<String> targets = tgt == null ? List.of() : targets(row.get(tgt));
            out.add(new EvalExample(i, input, targets));
        }
        return new Loaded(out, in, tgt);
    }

    private static String pick(Map<String, Object> row, List<String> names) {
        for (String n : names) {
            if (row.containsKey(n)) {
                return n;
            }
        }
        return null;
    }

    private static String text(Object v) {
        if (v instanceof JsonNode n) {
            return n.isTextual() ? n.asText() : n.toString();
        }
        return String.valueOf(v);
    }

    private static List<String> targets(Object v) {
        if (v == null) {
            return List.of();
        }
        if (v instanceof JsonNode n) {
            if (n.isObject() && n.has("text")) {
                return targets(n.get("text"));
            }
            if (n.isArray()) {
                List<String> out = new ArrayList<>();
                n.forEach(e -> out.add(text(e)));
                return out;
            }
            if (n.isNull()) {
                return List.of();
            }
            return List.of(text(n));
        }
        return List.of(String.valueOf(v));
    }

    private static List<Map<String, Object>> readJsonl(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Map<String, Object>> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            JsonNode node;
            try {
                node = json.readTree(line);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException(file + ": line " + (i + 1) + " is not JSON: "
                        + e.getOriginalMessage());
            }
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException(file + ": line " + (i + 1) + " is not a JSON object");
            }
            Map<String, Object> row = new LinkedHashMap<>();
            node.properties().forEach(e -> row.put(e.getKey(), e.getValue().isNull() ? null : e.getValue()));
            rows.add(row);
        }
        return rows;
    }

    /** RFC 4180 CSV: the first record names the columns. */
    static List<Map<String, Object>> readCsv(Path file) throws IOException {
        List<List<String>> records = parseCsv(Files.readString(file, StandardCharsets.UTF_8), file);
        if (records.isEmpty()) {
            return List.of();
        }
        List<String> header = records.getFirst();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int r = 1; r < records.size(); r++) {
            List<String> rec = records.get(r);
            if (rec.size() == 1 && rec.getFirst().isEmpty()) {
                continue;
            }
            if (rec.size() != header.size()) {
                throw new IllegalArgumentException(file + ": record " + (r + 1) + " has " + rec.size()
                        + " fields, the header has " + header.size());
            }
            Map<String, Object> row = new LinkedHashMap<>();
            for (int c = 0; c < header.size(); c++) {
                row.put(header.get(c), rec.get(c));
            }
            rows.add(row);
        }
        return rows;
    }

    static List<List<String>> parseCsv(String s, Path file) {
        if (!s.isEmpty() && s.charAt(0) == '\uFEFF') {
            s = s.substring(1);
        }
        List<List<String>> records = new ArrayList<>();
        List<String> rec = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            any = true;
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.isEmpty()) {
                quoted = true;
            } else if (c == ',') {
                rec.add(field.toString());
                field.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                    i++;
                }
                rec.add(field.toString());
                field.setLength(0);
                records.add(rec);
                rec = new ArrayList<>();
                any = false;
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException(file + ": unterminated quoted field at the end of the file");
        }
        if (any) {
            rec.add(field.toString());
            records.add(rec);
        }
        return records;
    }
}
