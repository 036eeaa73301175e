package dev.lathe.serve.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed reads of one JSON object's fields, where every wrong type is a 400 naming the field (prefixed by
 * where the object sits, e.g. {@code messages[2].role}) and, after all reads, any field nobody read is a
 * 400 "Unrecognized request argument" as OpenAI answers. A null field reads as absent.
 */
public final class JsonFields {
    private final ObjectNode node;
    private final String prefix;
    private final Set<String> read = new HashSet<>();

    public JsonFields(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw where.isEmpty() ? OpenAiException.malformedJson("the body must be a JSON object")
                    : OpenAiException.badParam(where, "'" + where + "' must be an object");
        }
        this.node = (ObjectNode) node;
        this.prefix = where.isEmpty() ? "" : where + ".";
    }

    /** The full name of field {@code name} for errors. */
    public String param(String name) {
        return prefix + name;
    }

    /** The raw value, null when absent or JSON null. */
    public JsonNode raw(String name) {
        read.add(name);
        JsonNode v = node.get(name);
        return v == null || v.isNull() ? null : v;
    }

    public boolean has(String name) {
        JsonNode v = node.get(name);
        return v != null && !v.isNull();
    }

    public String string(String name) {
        JsonNode v = raw(name);
        if (v == null) return null;
        if (!v.isTextual()) throw type(name, "a string", v);
        return v.textValue();
    }

    public String requiredString(String name) {
        String s = string(name);
        if (s == null) throw OpenAiException.badParam(param(name), "Missing required parameter: '" + param(name) + "'.");
        return s;
    }

    public Boolean bool(String name) {
        JsonNode v = raw(name);
        if (v == null) return null;
        if (!v.isBoolean()) throw type(name, "a boolean", v);
        return v.booleanValue();
    }

    public Integer integer(String name) {
        JsonNode v = raw(name);
        if (v == null) return null;
        if (!v.isIntegralNumber() || !v.canConvertToInt()) throw type(name, "an integer", v);
        return v.intValue();
    }

    public Long longValue(String name) {
        JsonNode v = raw(name);
        if (v == null) return null;
        if (!v.isIntegralNumber() || !v.canConvertToLong()) throw type(name, "an integer", v);
        return v.longValue();
    }

    public Float number(String name) {
        JsonNode v = raw(name);
        if (v == null) return null;
        if (!v.isNumber()) throw type(name, "a number", v);
        return v.floatValue();
    }

    /** A number within [min, max], or null. */
    public Float number(String name, float min, float max) {
        Float f = number(name);
        if (f != null && !(f >= min && f <= max)) {
            throw OpenAiException.badParam(param(name), f + " is not valid for '" + param(name) + "': it must be between "
                    + min + " and " + max + ".");
        }
        return f;
    }

    /** An integer of at least {@code min}, or null. */
    public Integer integerAtLeast(String name, int min) {
        Integer i = integer(name);
        if (i != null && i < min) {
            throw OpenAiException.badParam(param(name), i + " is less than the minimum of " + min + " - '" + param(name)
                    + "'");
        }
        return i;
    }

    /** A string or an array of strings (OpenAI's {@code stop}), at most {@code max} entries; empty list if absent. */
    public List<String> stringOrArray(String name, int max) {
        JsonNode v = raw(name);
        List<String> out = new ArrayList<>();
        if (v == null) return out;
        if (v.isTextual()) {
            out.add(v.textValue());
        } else if (v.isArray()) {
            for (JsonNode e : v) {
                if (!e.isTextual()) throw type(name, "a string or an array of strings", v);
                out.add(e.textValue());
            }
        } else {
            throw type(name, "a string or an array of strings", v);
        }
        if (out.size() > max) {
            throw OpenAiException.badParam(param(name), "'" + param(name) + "' takes at most " + max + " entries, got "
                    + out.size());
        }
        for (String s : out) {
            if (s.isEmpty()) throw OpenAiException.badParam(param(name), "'" + param(name) + "' entries must not be empty");
        }
        return out;
    }

    /** OpenAI's {@code logit_bias}: token id (as a JSON key) to a bias in [-100, 100]. */
    public Map<Integer, Float> logitBias(String name) {
        JsonNode v = raw(name);
        Map<Integer, Float> out = new LinkedHashMap<>();
        if (v == null) return out;
        if (!v.isObject()) throw type(name, "an object of token id to bias", v);
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            int id;
            try {
                id = Integer.parseInt(e.getKey());
            } catch (NumberFormatException ex) {
                throw OpenAiException.badParam(param(name), "'" + param(name) + "' keys must be token ids, got '"
                        + e.getKey() + "'");
            }
            if (!e.getValue().isNumber() || Math.abs(e.getValue().floatValue()) > 100 || id < 0) {
                throw OpenAiException.badParam(param(name), "'" + param(name) + "[" + e.getKey()
                        + "]' must be a number between -100 and 100 for a token id >= 0, got " + e.getValue());
            }
            out.put(id, e.getValue().floatValue());
        }
        return out;
    }

    /** A 400 unless every field of the object was read (or is in {@code ignored}). */
    public void rejectUnread() {
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!read.contains(f)) throw OpenAiException.unknownParam(param(f));
        }
    }

    /** Marks fields as read without looking at them (accepted, meaningless here). */
    public void accept(String... names) {
        read.addAll(List.of(names));
    }

    /** A 400 "not supported yet" for each of {@code names} that is present with a non-null value. */
    public void rejectUnsupported(Map<String, String> namesAndWhy) {
        for (Map.Entry<String, String> e : namesAndWhy.entrySet()) {
            if (raw(e.getKey()) != null) throw OpenAiException.unsupported(param(e.getKey()), e.getValue());
        }
    }

    private OpenAiException type(String name, String expected, JsonNode got) {
        return OpenAiException.badParam(param(name), got + " is not of type '" + expected + "' - '" + param(name) + "'");
    }
}
