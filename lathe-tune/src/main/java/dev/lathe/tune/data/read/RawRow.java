package dev.lathe.tune.data.read;

import dev.lathe.tune.data.Origin;
import java.util.Map;

/**
 * One record as read, before shape detection: column name to value, in file order. Values are
 * {@code String} (CSV) or Jackson {@code JsonNode} (JSON); a CSV cell may hold JSON (e.g. messages).
 */
public record RawRow(Map<String, Object> values, Origin origin) {}
