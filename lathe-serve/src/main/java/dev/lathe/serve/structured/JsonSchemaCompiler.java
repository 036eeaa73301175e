package dev.lathe.serve.structured;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a JSON Schema into a {@link JsonGrammar}, for the subset OpenAI's structured outputs
 * supports: {@code type} (object, array, string, number, integer, boolean, null, or an array of them
 * for nullable values), {@code properties}, {@code required}, {@code additionalProperties: false},
 * {@code enum}, {@code const}, {@code items}, {@code anyOf}, {@code $defs}/{@code definitions} and
 * local {@code $ref}s (recursion included). Annotations ({@code description}, {@code title},
 * {@code $schema}, {@code $id}, {@code $comment}, {@code default}, {@code examples}) are ignored.
 * Anything else is rejected with an {@link UnsupportedSchemaException} naming the keyword and its
 * JSON pointer, rather than silently producing output the schema would refuse.
 *
 * <p>Choices that keep the automaton small, each still producing text the schema accepts: objects
 * list their properties in declaration order and never add undeclared ones (an absent
 * {@code additionalProperties} is treated as false); {@code enum}/{@code const} values are written
 * as compact JSON exactly as Jackson serialises them.
 */
public final class JsonSchemaCompiler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ANNOTATIONS = Set.of("description", "title", "$schema", "$id", "$comment",
            "default", "examples");
    private static final Set<String> SUPPORTED = Set.of("type", "properties", "required", "additionalProperties",
            "enum", "const", "items", "anyOf", "$defs", "definitions", "$ref");
    /** Keywords that only bound values: accepted unenforced under {@link JsonGrammar.Options#ignoreValueConstraints()}. */
    private static final Set<String> VALUE_CONSTRAINTS = Set.of("minimum", "maximum", "exclusiveMinimum",
            "exclusiveMaximum", "multipleOf", "minLength", "maxLength", "pattern", "format", "minItems", "maxItems",
            "uniqueItems", "minProperties", "maxProperties", "contentEncoding", "contentMediaType");
    private static final List<String> TYPES = List.of("object", "array", "string", "number", "integer", "boolean",
            "null");

    private final JsonNode root;
    private final boolean lenient;
    private final Map<String, SchemaNode> compiled = new HashMap<>();
    private final List<SchemaNode.Ref> refs = new ArrayList<>();

    private JsonSchemaCompiler(JsonNode root, boolean lenient) {
        this.root = root;
        this.lenient = lenient;
    }

    /** Compiles {@code schema} with the default {@link JsonGrammar.Options}. */
    public static JsonGrammar compile(JsonNode schema) {
        return compile(schema, JsonGrammar.Options.DEFAULT);
    }

    /**
     * Compiles {@code schema}.
     *
     * @throws UnsupportedSchemaException naming the keyword and JSON pointer that cannot be enforced
     */
    public static JsonGrammar compile(JsonNode schema, JsonGrammar.Options options) {
        if (schema == null || !schema.isObject()) {
            throw new UnsupportedSchemaException(null, "", "a schema must be a JSON object, got "
                    + (schema == null ? "nothing" : schema.getNodeType().toString().toLowerCase()));
        }
        JsonSchemaCompiler c = new JsonSchemaCompiler(schema, options.ignoreValueConstraints());
        SchemaNode node = c.node(schema, "");
        // Every $ref, including those inside $defs reached only through other $refs.
        for (int i = 0; i < c.refs.size(); i++) {
            SchemaNode.Ref ref = c.refs.get(i);
            ref.resolve(c.resolve(ref.pointer));
        }
        checkNoLeftRecursion(node);
        for (SchemaNode.Ref ref : c.refs) {
            checkNoLeftRecursion(ref.target());
        }
        return new JsonGrammar(node, options);
    }

    private SchemaNode node(JsonNode schema, String pointer) {
        SchemaNode known = compiled.get(pointer);
        if (known != null) {
            return known;
        }
        if (schema.isBoolean() && schema.asBoolean()) {
            return SchemaNode.AnyValue.INSTANCE;
        }
        if (!schema.isObject()) {
            throw new UnsupportedSchemaException(null, pointer, "expected a schema object, got " + schema);
        }
        Set<String> keys = new LinkedHashSet<>();
        schema.fieldNames().forEachRemaining(keys::add);
        if (lenient) {
            keys.removeAll(VALUE_CONSTRAINTS);
        }
        for (String k : keys) {
            if (!SUPPORTED.contains(k) && !ANNOTATIONS.contains(k)) {
                throw new UnsupportedSchemaException(k, pointer + "/" + escape(k), "keyword '" + k
                        + "' is not supported by structured output (supported: " + String.join(", ", SUPPORTED.stream()
                        .sorted().toList()) + ")");
            }
        }
        for (String defs : List.of("$defs", "definitions")) {
            JsonNode d = schema.get(defs);
            if (d != null) {
                if (!d.isObject()) {
                    throw new UnsupportedSchemaException(defs, pointer + "/" + defs, "'" + defs + "' must be an object");
                }
                // Compiled eagerly so an unsupported keyword is reported even in an unused definition.
                d.properties().forEach(e -> node(e.getValue(), pointer + "/" + defs + "/" + escape(e.getKey())));
            }
        }
        keys.removeAll(ANNOTATIONS);
        keys.removeAll(List.of("$defs", "definitions"));
        SchemaNode out;
        if (keys.contains("$ref")) {
            onlyWith(keys, "$ref", pointer);
            out = ref(schema.get("$ref"), pointer);
        } else if (keys.contains("anyOf")) {
            onlyWith(keys, "anyOf", pointer);
            out = anyOf(schema.get("anyOf"), pointer);
        } else if (keys.contains("enum") || keys.contains("const")) {
            out = literals(schema, keys, pointer);
        } else {
            out = typed(schema, keys, pointer);
        }
        compiled.put(pointer, out);
        return out;
    }

    private static void onlyWith(Set<String> keys, String keyword, String pointer) {
        for (String k : keys) {
            if (!k.equals(keyword)) {
                throw new UnsupportedSchemaException(k, pointer + "/" + escape(k), "'" + k + "' beside '" + keyword
                        + "' is not supported; move it into the " + keyword + " target");
            }
        }
    }

    private SchemaNode ref(JsonNode value, String pointer) {
        if (!value.isTextual() || !(value.asText().equals("#") || value.asText().startsWith("#/"))) {
            throw new UnsupportedSchemaException("$ref", pointer + "/$ref", "only local references ('#' or '#/...')"
                    + " are supported, got " + value);
        }
        SchemaNode.Ref ref = new SchemaNode.Ref(value.asText().substring(1));
        refs.add(ref);
        return ref;
    }

    private SchemaNode resolve(String pointer) {
        JsonNode target = root.at(pointer.isEmpty() ? "" : unescapeUri(pointer));
        if (target.isMissingNode()) {
            throw new UnsupportedSchemaException("$ref", pointer, "$ref '#" + pointer + "' points at nothing");
        }
        return node(target, pointer);
    }

    private SchemaNode anyOf(JsonNode value, String pointer) {
        if (!value.isArray() || value.isEmpty()) {
            throw new UnsupportedSchemaException("anyOf", pointer + "/anyOf", "'anyOf' must be a non-empty array");
        }
        List<SchemaNode> alternatives = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            alternatives.add(node(value.get(i), pointer + "/anyOf/" + i));
        }
        return alternatives.size() == 1 ? alternatives.getFirst() : new SchemaNode.Union(alternatives);
    }

    private SchemaNode literals(JsonNode schema, Set<String> keys, String pointer) {
        List<JsonNode> values = new ArrayList<>();
        if (keys.contains("enum") && keys.contains("const")) {
            throw new UnsupportedSchemaException("const", pointer + "/const", "use either 'enum' or 'const', not both");
        }
        if (keys.contains("const")) {
            values.add(schema.get("const"));
        } else {
            JsonNode e = schema.get("enum");
            if (!e.isArray() || e.isEmpty()) {
                throw new UnsupportedSchemaException("enum", pointer + "/enum", "'enum' must be a non-empty array");
            }
            e.forEach(values::add);
        }
        String keyword = keys.contains("const") ? "const" : "enum";
        Set<String> types = types(schema, pointer);
        for (String k : keys) {
            if (!k.equals(keyword) && !k.equals("type")) {
                throw new UnsupportedSchemaException(k, pointer + "/" + escape(k), "'" + k + "' beside '" + keyword
                        + "' is not supported");
            }
        }
        Set<String> texts = new LinkedHashSet<>();
        for (JsonNode v : values) {
            if (types != null && !types.contains(typeOf(v)) && !(typeOf(v).equals("integer") && types.contains("number"))) {
                throw new UnsupportedSchemaException(keyword, pointer + "/" + keyword, "value " + v
                        + " does not have the schema's type " + types);
            }
            try {
                texts.add(JSON.writeValueAsString(v));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return new SchemaNode.Literals(texts.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList());
    }

    private static String typeOf(JsonNode v) {
        if (v.isObject()) return "object";
        if (v.isArray()) return "array";
        if (v.isTextual()) return "string";
        if (v.isIntegralNumber()) return "integer";
        if (v.isNumber()) return "number";
        if (v.isBoolean()) return "boolean";
        return "null";
    }

    /** The declared types, or null when there is no {@code type}. */
    private static Set<String> types(JsonNode schema, String pointer) {
        JsonNode t = schema.get("type");
        if (t == null) {
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        if (t.isTextual()) {
            out.add(t.asText());
        } else if (t.isArray() && !t.isEmpty()) {
            t.forEach(e -> out.add(e.isTextual() ? e.asText() : e.toString()));
        } else {
            throw new UnsupportedSchemaException("type", pointer + "/type", "'type' must be a type name or a"
                    + " non-empty array of them, got " + t);
        }
        for (String name : out) {
            if (!TYPES.contains(name)) {
                throw new UnsupportedSchemaException("type", pointer + "/type", "unknown type '" + name + "' (one of "
                        + TYPES + ")");
            }
        }
        return out;
    }

    private SchemaNode typed(JsonNode schema, Set<String> keys, String pointer) {
        Set<String> types = types(schema, pointer);
        if (types == null) {
            if (keys.contains("properties") || keys.contains("required") || keys.contains("additionalProperties")) {
                types = Set.of("object");
            } else if (keys.contains("items")) {
                types = Set.of("array");
            } else {
                return SchemaNode.AnyValue.INSTANCE;
            }
        }
        for (String k : List.of("properties", "required", "additionalProperties")) {
            if (keys.contains(k) && !types.contains("object")) {
                throw new UnsupportedSchemaException(k, pointer + "/" + k, "'" + k + "' applies to objects but the type is "
                        + types);
            }
        }
        if (keys.contains("items") && !types.contains("array")) {
            throw new UnsupportedSchemaException("items", pointer + "/items", "'items' applies to arrays but the type is "
                    + types);
        }
        List<SchemaNode> alternatives = new ArrayList<>();
        for (String type : types) {
            alternatives.add(switch (type) {
                case "object" -> object(schema, pointer);
                case "array" -> array(schema, pointer);
                case "string" -> SchemaNode.StringValue.INSTANCE;
                case "number" -> SchemaNode.NumberValue.NUMBER;
                case "integer" -> SchemaNode.NumberValue.INTEGER;
                case "boolean" -> SchemaNode.BooleanValue.INSTANCE;
                default -> SchemaNode.NullValue.INSTANCE;
            });
        }
        return alternatives.size() == 1 ? alternatives.getFirst() : new SchemaNode.Union(alternatives);
    }

    private SchemaNode object(JsonNode schema, String pointer) {
        JsonNode additional = schema.get("additionalProperties");
        if (additional != null && !lenient && !(additional.isBoolean() && !additional.asBoolean())) {
            throw new UnsupportedSchemaException("additionalProperties", pointer + "/additionalProperties",
                    "only 'additionalProperties: false' is supported, got " + additional);
        }
        JsonNode props = schema.get("properties");
        if (props != null && !props.isObject()) {
            throw new UnsupportedSchemaException("properties", pointer + "/properties", "'properties' must be an object");
        }
        Set<String> required = new HashSet<>();
        JsonNode req = schema.get("required");
        if (req != null) {
            if (!req.isArray()) {
                throw new UnsupportedSchemaException("required", pointer + "/required", "'required' must be an array of"
                        + " property names");
            }
            for (JsonNode r : req) {
                if (!r.isTextual() || props == null || !props.has(r.asText())) {
                    throw new UnsupportedSchemaException("required", pointer + "/required", "required property " + r
                            + " is not declared in 'properties' (undeclared properties are never generated)");
                }
                required.add(r.asText());
            }
        }
        List<SchemaNode.ObjectOf.Property> properties = new ArrayList<>();
        if (props != null) {
            props.properties().forEach(e -> {
                String name = e.getKey();
                SchemaNode value = node(e.getValue(), pointer + "/properties/" + escape(name));
                byte[] key;
                try {
                    key = JSON.writeValueAsString(name).getBytes(StandardCharsets.UTF_8);
                } catch (JsonProcessingException ex) {
                    throw new IllegalStateException(ex);
                }
                properties.add(new SchemaNode.ObjectOf.Property(name, key, value, required.contains(name)));
            });
        }
        return new SchemaNode.ObjectOf(properties);
    }

    private SchemaNode array(JsonNode schema, String pointer) {
        JsonNode items = schema.get("items");
        if (items == null) {
            return new SchemaNode.ArrayOf(SchemaNode.AnyValue.INSTANCE);
        }
        if (!items.isObject() && !items.isBoolean()) {
            throw new UnsupportedSchemaException("items", pointer + "/items", "'items' must be one schema (tuple"
                    + " arrays are not supported)");
        }
        if (items.isBoolean() && !items.asBoolean()) {
            throw new UnsupportedSchemaException("items", pointer + "/items", "'items: false' is not supported");
        }
        return new SchemaNode.ArrayOf(node(items, pointer + "/items"));
    }

    /**
     * Rejects a cycle that reaches a node again without consuming any text ({@code $ref}s and
     * {@code anyOf}s only): the automaton would expand it forever.
     */
    private static void checkNoLeftRecursion(SchemaNode start) {
        walkLeft(start, new IdentityHashMap<>());
    }

    private static void walkLeft(SchemaNode node, IdentityHashMap<SchemaNode, Boolean> path) {
        if (!(node instanceof SchemaNode.Ref) && !(node instanceof SchemaNode.Union)) {
            return;
        }
        if (path.containsKey(node)) {
            String where = node instanceof SchemaNode.Ref r ? "#" + r.pointer : "an anyOf";
            throw new UnsupportedSchemaException("$ref", node instanceof SchemaNode.Ref r ? r.pointer : "",
                    "$ref cycle through " + where + " never reaches a value (left recursion)");
        }
        path.put(node, true);
        if (node instanceof SchemaNode.Ref r) {
            walkLeft(r.target(), path);
        } else {
            for (SchemaNode alt : ((SchemaNode.Union) node).alternatives) {
                walkLeft(alt, path);
            }
        }
        path.remove(node);
    }

    private static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }

    private static String unescapeUri(String pointer) {
        return java.net.URLDecoder.decode(pointer.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
