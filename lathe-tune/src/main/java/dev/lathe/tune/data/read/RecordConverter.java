package dev.lathe.tune.data.read;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.tune.data.AlpacaExample;
import dev.lathe.tune.data.ChatExample;
import dev.lathe.tune.data.ColumnMapping;
import dev.lathe.tune.data.DatasetFormatException;
import dev.lathe.tune.data.Example;
import dev.lathe.tune.data.Origin;
import dev.lathe.tune.data.PromptCompletionExample;
import dev.lathe.tune.data.Shape;
import dev.lathe.tune.data.TextExample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns raw rows into {@link Example}s: renames columns by the {@link ColumnMapping}, detects the
 * {@link Shape} from the first row's fields (first fit in {@link Shape} order) unless one is
 * forced, and converts every row, failing with the file, record and missing or ill-typed field.
 * Columns no shape uses (Bitext's context, tags, offsets ...) are ignored. A blank label counts
 * as none.
 */
public final class RecordConverter {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private RecordConverter() {}

    /** The shape the fields fit, or an error listing the columns found and the shapes known. */
    public static Shape detect(String file, Set<String> fields, List<String> columnsAsFound) {
        for (Shape s : Shape.values()) {
            if (fields.containsAll(s.required())) return s;
        }
        throw new DatasetFormatException(file, "no record shape fits the columns " + columnsAsFound
                + "; expected one of: " + Arrays.stream(Shape.values()).map(Shape::describe).collect(Collectors.joining(", "))
                + ". Map other names with a column mapping, e.g. response->output, intent->label");
    }

    /** Converts rows, detecting the shape when {@code forced} is null. */
    public static List<Example> convert(String file, List<RawRow> rows, ColumnMapping mapping, Shape forced) {
        if (rows.isEmpty()) return List.of();
        Set<String> firstColumns = rows.getFirst().values().keySet();
        mapping.checkAgainst(file, firstColumns);
        Set<String> mapped = new LinkedHashSet<>();
        for (String c : firstColumns) mapped.add(mapping.target(c));
        Shape shape = forced != null ? forced : detect(file, mapped, List.copyOf(firstColumns));
        List<Example> out = new ArrayList<>(rows.size());
        for (RawRow row : rows) out.add(convert(row, mapping, shape));
        return out;
    }

    static Example convert(RawRow row, ColumnMapping mapping, Shape shape) {
        var fields = new LinkedHashMap<String, Object>();
        for (var e : row.values().entrySet()) fields.put(mapping.target(e.getKey()), e.getValue());
        Origin o = row.origin();
        String label = text(fields, "label", o, false);
        if (label != null && label.isBlank()) label = null;
        return switch (shape) {
            case ALPACA -> new AlpacaExample(text(fields, "instruction", o, true), text(fields, "input", o, false),
                    text(fields, "output", o, true), label, o);
            case PROMPT_COMPLETION -> new PromptCompletionExample(text(fields, "prompt", o, true),
                    text(fields, "completion", o, true), label, o);
            case TEXT -> new TextExample(text(fields, "text", o, true), label, o);
            case TEXT_LABEL -> {
                if (label == null) throw new DatasetFormatException(o, "field 'label' is missing or empty");
                yield new TextExample(text(fields, "text", o, true), label, o);
            }
            case CHAT -> new ChatExample(messages(fields.get("messages"), o), label, o);
        };
    }

    private static String text(Map<String, Object> fields, String name, Origin o, boolean required) {
        Object v = fields.get(name);
        if (v instanceof JsonNode n) {
            if (n.isNull() || n.isMissingNode()) v = null;
            else if (n.isValueNode()) v = n.asText();
            else throw new DatasetFormatException(o, "field '" + name + "' must be a string, found " + kind(n));
        }
        if (v == null && required) {
            throw new DatasetFormatException(o, "field '" + name + "' is missing; the record has " + fields.keySet());
        }
        return (String) v;
    }

    private static List<ChatExample.Message> messages(Object v, Origin o) {
        JsonNode n;
        if (v instanceof String s) { // a CSV cell holding JSON
            try {
                n = MAPPER.readTree(s);
            } catch (JsonProcessingException e) {
                throw new DatasetFormatException(o, "field 'messages' is not valid JSON: " + e.getOriginalMessage());
            }
        } else {
            n = (JsonNode) v;
        }
        if (n == null || !n.isArray()) {
            throw new DatasetFormatException(o, "field 'messages' must be an array of {role, content}, found "
                    + (n == null ? "nothing" : kind(n)));
        }
        List<ChatExample.Message> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode m = n.get(i);
            JsonNode role = m.get("role");
            JsonNode content = m.get("content");
            if (!m.isObject() || role == null || !role.isTextual() || content == null || !content.isTextual()) {
                throw new DatasetFormatException(o, "message " + (i + 1) + " must be an object with string 'role' and 'content', found " + m);
            }
            out.add(new ChatExample.Message(role.asText(), content.asText()));
        }
        return out;
    }

    private static String kind(JsonNode n) {
        return n.getNodeType().name().toLowerCase();
    }
}
