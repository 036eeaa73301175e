package dev.lathe.tune.data.read;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.tune.data.DatasetFormatException;
import dev.lathe.tune.data.Origin;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON Lines (one object per line, blank lines skipped) and JSON arrays of objects. Malformed JSON
 * or a non-object element is an error naming the file, line and record.
 */
public final class JsonReader {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonReader() {}

    public static List<RawRow> parseLines(String file, String text) {
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') text = text.substring(1);
        List<RawRow> rows = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        long record = 0;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) continue;
            record++;
            JsonNode node;
            try {
                node = MAPPER.readTree(lines[i]);
            } catch (JsonProcessingException e) {
                throw new DatasetFormatException(file, i + 1, record, "malformed JSON: " + e.getOriginalMessage()
                        + columnOf(e.getLocation()));
            }
            rows.add(row(node, new Origin(file, record, i + 1)));
        }
        return rows;
    }

    public static List<RawRow> parseArray(String file, String text) {
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') text = text.substring(1);
        List<RawRow> rows = new ArrayList<>();
        long record = 0; // records read so far; the one being read when an error strikes is record + 1
        try (JsonParser p = MAPPER.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_ARRAY) {
                throw new DatasetFormatException(file, p.currentLocation().getLineNr(), 0,
                        "expected a JSON array of records, found " + (t == null ? "nothing" : t.asString()));
            }
            while (true) {
                t = p.nextToken();
                if (t == JsonToken.END_ARRAY) break;
                long line = p.currentTokenLocation().getLineNr();
                if (t == null) throw new DatasetFormatException(file, line, record + 1, "the array is never closed");
                JsonNode node = MAPPER.readTree(p);
                rows.add(row(node, new Origin(file, record + 1, line)));
                record++;
            }
            if (p.nextToken() != null) {
                throw new DatasetFormatException(file, p.currentTokenLocation().getLineNr(), 0, "content after the closing ]");
            }
        } catch (JsonProcessingException e) {
            throw new DatasetFormatException(file, e.getLocation() == null ? 0 : e.getLocation().getLineNr(), record + 1,
                    "malformed JSON: " + e.getOriginalMessage() + columnOf(e.getLocation()));
        } catch (IOException e) {
            throw new DatasetFormatException(file, "cannot read: " + e.getMessage());
        }
        return rows;
    }

    private static String columnOf(JsonLocation loc) {
        return loc == null || loc.getColumnNr() <= 0 ? "" : " (column " + loc.getColumnNr() + ")";
    }

    private static RawRow row(JsonNode node, Origin origin) {
        if (!node.isObject()) {
            throw new DatasetFormatException(origin, "expected a JSON object, found " + node.getNodeType().name().toLowerCase());
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (var e : node.properties()) values.put(e.getKey(), e.getValue());
        return new RawRow(values, origin);
    }
}
