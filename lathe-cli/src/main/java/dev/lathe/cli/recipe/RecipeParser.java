package dev.lathe.cli.recipe;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads a recipe YAML file into a {@link Recipe}, strictly: an unknown or repeated key, a value of the wrong
 * type (a string where a number belongs, a fraction where an integer belongs; no silent coercion) or out
 * of range is a {@link RecipeException} naming the file, the line and the key path
 * ({@code tune.yaml line 7: training.batch_szie: unknown key; known keys: ...}).
 */
public final class RecipeParser {
    private static final YAMLFactory YAML = YAMLFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final ObjectMapper MAPPER = JsonMapper.builder(YAML)
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    private RecipeParser() {}

    /** Parses {@code file}. */
    public static Recipe parse(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new RecipeException("recipe " + file + " does not exist");
        } catch (IOException e) {
            throw new RecipeException("cannot read recipe " + file + ": " + e.getMessage(), e);
        }
        return parse(file.getFileName().toString(), text);
    }

    /** Parses recipe {@code text}; {@code source} names it in messages. */
    public static Recipe parse(String source, String text) {
        if (text.isBlank()) {
            throw new RecipeException(source + ": the recipe is empty; it needs at least data, model and method");
        }
        Map<String, Integer> lines = keyLines(source, text);
        try {
            Recipe r = MAPPER.readValue(text, Recipe.class);
            if (r == null) {
                throw new RecipeException(source + ": the recipe is empty; it needs at least data, model and method");
            }
            return r;
        } catch (JsonMappingException e) {
            throw new RecipeException(describe(source, text, e, lines), e);
        } catch (JsonProcessingException e) {
            throw new RecipeException(source + " line " + lineOf(e) + ": not valid YAML: " + e.getOriginalMessage(), e);
        }
    }

    private static String describe(String source, String text, JsonMappingException e, Map<String, Integer> lines) {
        String path = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        String problem;
        if (e instanceof UnrecognizedPropertyException u) {
            List<String> known = u.getKnownPropertyIds().stream().map(Object::toString).sorted().toList();
            problem = "unknown key; known keys" + (path.contains(".") ? " here" : "") + ": " + String.join(", ", known);
        } else if (e instanceof InvalidTypeIdException t) {
            path = path.isEmpty() ? "method.type" : path + ".type";
            problem = t.getTypeId() == null ? "is missing: full, lora, bitfit, prompt_tuning, prefix_tuning, ia3 or classification"
                    : "'" + t.getTypeId() + "' is not one of full, lora, bitfit, prompt_tuning, prefix_tuning, ia3, classification";
        } else if (e instanceof ValueInstantiationException v && v.getCause() instanceof InvalidField f) {
            path = path.isEmpty() ? f.field() : path + "." + f.field();
            problem = f.getMessage();
        } else if (e instanceof InvalidFormatException f) {
            problem = "expected " + kind(f.getTargetType()) + ", got " + quoted(f.getValue());
        } else if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            problem = "expected " + kind(m.getTargetType()) + found(text, e);
        } else {
            problem = e.getOriginalMessage();
        }
        Integer line = lines.get(path);
        long at = line != null ? line : lineOf(e);
        return source + (at > 0 ? " line " + at : "") + ": " + (path.isEmpty() ? "" : path + ": ") + problem;
    }

    private static String kind(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) return "an integer";
        if (type == Double.class || type == double.class) return "a number";
        if (type == Boolean.class || type == boolean.class) return "true or false";
        if (type == String.class) return "a string";
        if (List.class.isAssignableFrom(type)) return "a list";
        if (Map.class.isAssignableFrom(type) || type.isRecord() || type.isInterface()) return "a section (key: value lines)";
        return type.getSimpleName();
    }

    /** ", got 'four'" for the scalar at the error's path, or nothing when it is not a scalar. */
    private static String found(String text, JsonMappingException e) {
        StringBuilder pointer = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            pointer.append('/').append(r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex()));
        }
        try {
            var node = MAPPER.readTree(text).at(pointer.toString());
            return node.isValueNode() ? ", got " + (node.isTextual() ? "'" + node.asText() + "'" : node.toString()) : "";
        } catch (JsonProcessingException ex) {
            return "";
        }
    }

    private static String quoted(Object v) {
        return v instanceof String s ? "'" + s + "'" : String.valueOf(v);
    }

    private static long lineOf(JsonProcessingException e) {
        return e.getLocation() == null ? 0 : e.getLocation().getLineNr();
    }

    /** The line of every key, by its dotted path ({@code training.early_stopping.patience}). */
    static Map<String, Integer> keyLines(String source, String text) {
        Map<String, Integer> out = new HashMap<>();
        try (JsonParser p = YAML.createParser(text)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME) {
                    String pointer = p.getParsingContext().pathAsPointer().toString();
                    out.putIfAbsent(pointer.substring(1).replace('/', '.'), p.currentTokenLocation().getLineNr());
                }
            }
        } catch (JsonProcessingException e) {
            String m = e.getOriginalMessage();
            if (m != null && m.startsWith("Duplicate field")) {
                throw new RecipeException(source + " line " + lineOf(e) + ": " + m.replace("Duplicate field", "duplicate key"));
            }
            throw new RecipeException(source + " line " + lineOf(e) + ": not valid YAML: " + m, e);
        } catch (IOException e) {
            throw new RecipeException(source + ": cannot read: " + e.getMessage(), e);
        }
        return out;
    }
}
