package dev.lathe.tune.data;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renames a file's columns to the field names the {@link Shape}s use, for datasets that call them
 * something else: Bitext is {@code instruction->instruction, response->output, intent->label}.
 * Columns not named stay as they are; unused columns are ignored by detection.
 */
public record ColumnMapping(Map<String, String> renames) {
    public static final ColumnMapping IDENTITY = new ColumnMapping(Map.of());

    public ColumnMapping {
        renames = Map.copyOf(new LinkedHashMap<>(renames));
        Map<String, String> seen = new LinkedHashMap<>();
        for (var e : renames.entrySet()) {
            String prev = seen.put(e.getValue(), e.getKey());
            if (prev != null) {
                throw new IllegalArgumentException("mapping: columns '" + prev + "' and '" + e.getKey()
                        + "' both map to '" + e.getValue() + "'");
            }
        }
    }

    /** {@code of("response", "output", "intent", "label")}: pairs of source column, field name. */
    public static ColumnMapping of(String... pairs) {
        if (pairs.length % 2 != 0) throw new IllegalArgumentException("mapping: pairs of source, target expected");
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) m.put(pairs[i], pairs[i + 1]);
        return new ColumnMapping(m);
    }

    /** Parses {@code "response->output,intent->label"} (also {@code =} instead of {@code ->}). */
    public static ColumnMapping parse(String spec) {
        Map<String, String> m = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) return IDENTITY;
        for (String part : spec.split(",")) {
            String[] kv = part.contains("->") ? part.split("->", 2) : part.split("=", 2);
            if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                throw new IllegalArgumentException("mapping: '" + part.strip() + "' is not source->target");
            }
            m.put(kv[0].strip(), kv[1].strip());
        }
        return new ColumnMapping(m);
    }

    /** The field name a column goes by after mapping. */
    public String target(String column) {
        return renames.getOrDefault(column, column);
    }

    /**
     * Fails, naming the columns found, when the mapping names a column the file does not have, or
     * renames a column onto the name of another column that stays (which one would win is arbitrary).
     */
    public void checkAgainst(String file, Collection<String> columns) {
        for (var e : renames.entrySet()) {
            String source = e.getKey(), target = e.getValue();
            if (!columns.contains(source)) {
                throw new DatasetFormatException(file, "the column mapping names '" + source
                        + "', but the columns are " + List.copyOf(columns));
            }
            if (!target.equals(source) && columns.contains(target) && !renames.containsKey(target)) {
                throw new DatasetFormatException(file, "the column mapping renames '" + source + "' to '" + target
                        + "', but the file already has a column '" + target + "' (map that one elsewhere too)");
            }
        }
    }
}
