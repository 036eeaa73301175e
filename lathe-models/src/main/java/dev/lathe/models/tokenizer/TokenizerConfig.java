package dev.lathe.models.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What Hugging Face's {@code tokenizer_config.json} and {@code special_tokens_map.json} say about a
 * tokenizer beyond {@code tokenizer.json}: the special-token strings, whether BOS/EOS are added, the
 * decode-time space clean-up and the chat template(s).
 *
 * <p>Special tokens may be written as a plain string or as an AddedToken object
 * {@code {"content": "<s>", ...}}; both read the same. {@code tokenizer_config.json} wins over
 * {@code special_tokens_map.json} where both name a token.
 *
 * @param bosToken beginning-of-sequence token text, or null
 * @param eosToken end-of-sequence token text, or null
 * @param padToken padding token text, or null
 * @param unkToken unknown token text, or null
 * @param addBosToken {@code add_bos_token} when the file states it, else null (then tokenizer.json's
 *     post-processor decides)
 * @param addEosToken {@code add_eos_token} when stated, else null
 * @param cleanUpTokenizationSpaces {@code clean_up_tokenization_spaces} (false when absent)
 * @param chatTemplates named chat templates in file order; a single string template is named "default"
 */
public record TokenizerConfig(
        String bosToken,
        String eosToken,
        String padToken,
        String unkToken,
        Boolean addBosToken,
        Boolean addEosToken,
        boolean cleanUpTokenizationSpaces,
        Map<String, String> chatTemplates) {

    /** A config that states nothing: tokenizer.json alone decides. */
    public static final TokenizerConfig EMPTY =
            new TokenizerConfig(null, null, null, null, null, null, false, Map.of());

    public TokenizerConfig {
        chatTemplates = Map.copyOf(chatTemplates);
    }

    /** The template HF uses when none is named: "default", else the only one. */
    public Optional<String> defaultChatTemplate() {
        if (chatTemplates.containsKey("default")) return Optional.of(chatTemplates.get("default"));
        if (chatTemplates.size() == 1) return Optional.of(chatTemplates.values().iterator().next());
        return Optional.empty();
    }

    /**
     * Reads {@code tokenizer_config.json} and {@code special_tokens_map.json} from {@code dir};
     * either or both may be missing.
     *
     * @throws IllegalArgumentException naming the file and field when a present file is malformed
     */
    public static TokenizerConfig load(Path dir) {
        JsonNode config = readIfPresent(dir.resolve("tokenizer_config.json"));
        JsonNode map = readIfPresent(dir.resolve("special_tokens_map.json"));
        return from(config, map, dir.resolve("tokenizer_config.json").toString());
    }

    /** Builds the config from already-parsed JSON (either may be null). */
    static TokenizerConfig from(JsonNode config, JsonNode specialTokensMap, String origin) {
        JsonNode c = config == null ? new ObjectMapper().createObjectNode() : config;
        JsonNode m = specialTokensMap == null ? new ObjectMapper().createObjectNode() : specialTokensMap;
        return new TokenizerConfig(
                special(c, m, "bos_token", origin),
                special(c, m, "eos_token", origin),
                special(c, m, "pad_token", origin),
                special(c, m, "unk_token", origin),
                bool(c, "add_bos_token", origin),
                bool(c, "add_eos_token", origin),
                Boolean.TRUE.equals(bool(c, "clean_up_tokenization_spaces", origin)),
                templates(c.get("chat_template"), origin));
    }

    private static String special(JsonNode config, JsonNode map, String field, String origin) {
        String fromConfig = tokenText(config.get(field), field, origin);
        return fromConfig != null ? fromConfig : tokenText(map.get(field), field, "special_tokens_map.json");
    }

    /** A special token is a string, an AddedToken object {"content": ...}, or null. */
    static String tokenText(JsonNode node, String field, String origin) {
        if (node == null || node.isNull()) return null;
        if (node.isTextual()) return node.asText();
        if (node.isObject() && node.path("content").isTextual()) return node.get("content").asText();
        throw new IllegalArgumentException(origin + ": field '" + field
                + "' must be a string or an object with a string 'content', got " + node);
    }

    private static Boolean bool(JsonNode config, String field, String origin) {
        JsonNode node = config.get(field);
        if (node == null || node.isNull()) return null;
        if (!node.isBoolean()) {
            throw new IllegalArgumentException(origin + ": field '" + field + "' must be true or false, got " + node);
        }
        return node.asBoolean();
    }

    private static Map<String, String> templates(JsonNode node, String origin) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) return out;
        if (node.isTextual()) {
            out.put("default", node.asText());
        } else if (node.isArray()) {
            for (JsonNode entry : node) {
                if (!entry.path("name").isTextual() || !entry.path("template").isTextual()) {
                    throw new IllegalArgumentException(origin + ": field 'chat_template' list entries need "
                            + "string 'name' and 'template', got " + entry);
                }
                out.put(entry.get("name").asText(), entry.get("template").asText());
            }
        } else {
            throw new IllegalArgumentException(origin + ": field 'chat_template' must be a string or a list of "
                    + "{name, template}, got " + node.getNodeType());
        }
        return out;
    }

    private static JsonNode readIfPresent(Path file) {
        if (!Files.isRegularFile(file)) return null;
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
