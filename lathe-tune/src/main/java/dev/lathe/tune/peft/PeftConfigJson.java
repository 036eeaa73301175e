package dev.lathe.tune.peft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.tune.peft.lora.LoraConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading and writing the {@code adapter_config.json} fields every PEFT method shares ({@code peft_type},
 * {@code peft_version}, {@code task_type}, {@code base_model_name_or_path}, {@code target_modules} ...), so
 * each method's config record states only its own fields. Errors name the file and the field.
 */
public final class PeftConfigJson {
    /** The PEFT release whose {@code adapter_config.json} fields Lathe writes (the same for every method). */
    public static final String PEFT_VERSION = LoraConfig.PEFT_VERSION;
    private static final ObjectMapper JSON = new ObjectMapper();

    private PeftConfigJson() {}

    /** The JSON object in {@code file}, or an error naming the file. */
    public static JsonNode readObject(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": adapter config must be a JSON object");
        }
        return root;
    }

    /** Checks that {@code root} is an object whose {@code peft_type} is {@code expected}. */
    public static void requireType(JsonNode root, String where, String expected) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(where + ": adapter config must be a JSON object");
        }
        String type = root.path("peft_type").asText(null);
        if (!expected.equals(type)) {
            throw new IllegalArgumentException(where + ": peft_type is " + (type == null ? "missing" : "'" + type + "'")
                    + ", expected '" + expected + "'");
        }
    }

    /** The fields of PEFT's {@code PeftConfig} base class, with Lathe's values (auto_mapping and revision null). */
    public static void putCommon(ObjectNode o, String peftType, TaskType taskType, String baseModel,
            boolean inferenceMode) {
        o.putNull("auto_mapping");
        o.put("base_model_name_or_path", baseModel);
        o.put("inference_mode", inferenceMode);
        o.put("peft_type", peftType);
        o.put("peft_version", PEFT_VERSION);
        o.putNull("revision");
        o.put("task_type", taskType == null ? null : taskType.name());
    }

    /** {@code task_type}, or null when absent. */
    public static TaskType taskType(JsonNode root, String where) {
        JsonNode n = root.get("task_type");
        return n == null || n.isNull() ? null : TaskType.parse(n.asText(), where);
    }

    /** {@code base_model_name_or_path}, or null. */
    public static String baseModel(JsonNode root) {
        JsonNode n = root.get("base_model_name_or_path");
        return n == null || n.isNull() ? null : n.asText();
    }

    /** A list of names or a regex as {@code field}, or null when absent or null. */
    public static TargetModules modules(JsonNode root, String where, String field) {
        JsonNode t = root.get(field);
        if (t == null || t.isNull()) {
            return null;
        }
        if (t.isTextual()) {
            return TargetModules.matching(t.textValue());
        }
        if (t.isArray()) {
            List<String> names = new ArrayList<>();
            t.forEach(n -> names.add(n.asText()));
            return new TargetModules(names, null);
        }
        throw new IllegalArgumentException(where + ": " + field + " must be a list of names or a regex string, got " + t);
    }

    /** Writes {@code modules} as {@code field}: a list of names, a regex string, or null. */
    public static void putModules(ObjectNode o, String field, TargetModules modules) {
        if (modules == null) {
            o.putNull(field);
        } else if (modules.regex() != null) {
            o.put(field, modules.regex());
        } else {
            modules.names().forEach(o.putArray(field)::add);
        }
    }

    /** An integer field, {@code dflt} when absent or null. */
    public static int intField(JsonNode root, String where, String field, int dflt) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new IllegalArgumentException(where + ": " + field + " must be an integer, got " + n);
        }
        return n.intValue();
    }

    /** Rejects a field whose value asks for a feature Lathe does not implement (anything but null or empty). */
    public static void rejectIfSet(JsonNode root, String where, String field, String method) {
        JsonNode n = root.get(field);
        if (n != null && !n.isNull() && !((n.isArray() || n.isObject()) && n.isEmpty())) {
            throw new IllegalArgumentException(where + ": " + field + " = " + n + " is not supported by Lathe's "
                    + method);
        }
    }
}
