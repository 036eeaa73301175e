package dev.lathe.serve.structured;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An independent JSON Schema checker for the tests, written straight from the keyword meanings over
 * parsed Jackson trees (not sharing any code with the automaton it checks). Returns the violations,
 * each with its JSON pointer in the instance; empty means valid.
 */
final class SchemaValidator {
    private final JsonNode root;
    private final List<String> errors = new ArrayList<>();

    private SchemaValidator(JsonNode root) {
        this.root = root;
    }

    static List<String> validate(JsonNode value, JsonNode schema) {
        SchemaValidator v = new SchemaValidator(schema);
        v.check(value, schema, "");
        return v.errors;
    }

    private boolean check(JsonNode value, JsonNode schema, String at) {
        int before = errors.size();
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            return check(value, ref.equals("#") ? root : root.at(ref.substring(1)), at);
        }
        if (schema.has("anyOf")) {
            for (JsonNode alt : schema.get("anyOf")) {
                SchemaValidator probe = new SchemaValidator(root);
                if (probe.check(value, alt, at)) {
                    return true;
                }
            }
            errors.add(at + ": matches no anyOf alternative: " + value);
            return false;
        }
        if (schema.has("const") && !schema.get("const").equals(value)) {
            errors.add(at + ": not the const " + schema.get("const") + ": " + value);
        }
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode e : schema.get("enum")) {
                found |= e.equals(value);
            }
            if (!found) {
                errors.add(at + ": not in enum " + schema.get("enum") + ": " + value);
            }
        }
        if (schema.has("type")) {
            Set<String> types = new HashSet<>();
            JsonNode t = schema.get("type");
            if (t.isArray()) {
                t.forEach(x -> types.add(x.asText()));
            } else {
                types.add(t.asText());
            }
            if (!hasType(value, types)) {
                errors.add(at + ": not of type " + types + ": " + value);
            }
        }
        if (value.isObject()) {
            JsonNode props = schema.path("properties");
            for (JsonNode r : schema.path("required")) {
                if (!value.has(r.asText())) {
                    errors.add(at + ": required property '" + r.asText() + "' missing");
                }
            }
            value.properties().forEach(e -> {
                if (props.has(e.getKey())) {
                    check(e.getValue(), props.get(e.getKey()), at + "/" + e.getKey());
                } else if (schema.path("additionalProperties").isBoolean()
                        && !schema.path("additionalProperties").asBoolean()) {
                    errors.add(at + ": additional property '" + e.getKey() + "'");
                }
            });
        }
        if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                check(value.get(i), schema.get("items"), at + "/" + i);
            }
        }
        return errors.size() == before;
    }

    private static boolean hasType(JsonNode v, Set<String> types) {
        return (types.contains("object") && v.isObject()) || (types.contains("array") && v.isArray())
                || (types.contains("string") && v.isTextual()) || (types.contains("boolean") && v.isBoolean())
                || (types.contains("null") && v.isNull()) || (types.contains("number") && v.isNumber())
                || (types.contains("integer") && v.isIntegralNumber());
    }
}
