package dev.lathe.serve.auth;

import dev.lathe.engine.io.Sha256;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.lathe.engine.io.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The keys file: JSON {@code {"keys":[{"name","sha256","created","requests_per_minute","tokens_per_minute"}]}},
 * written atomically. {@link #add} makes a new random key, stores its hash and returns the key itself,
 * which is shown once and never stored.
 */
public final class KeyStore {
    /** Prefix of generated keys, so they are recognisable in config and secret scanners. */
    public static final String KEY_PREFIX = "sk-lathe-";
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private final Path file;
    private final List<ApiKey> keys;

    private KeyStore(Path file, List<ApiKey> keys) {
        this.file = file;
        this.keys = new ArrayList<>(keys);
    }

    /** Reads {@code file}; a missing file is an empty store (created on the first {@link #add}). */
    public static KeyStore open(Path file) throws IOException {
        if (!Files.exists(file)) return new KeyStore(file, List.of());
        JsonNode root;
        try {
            root = MAPPER.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.path("keys").isArray()) {
            throw new IllegalArgumentException(file + ": expected {\"keys\": [...]} (see docs/serving.md)");
        }
        List<ApiKey> keys = new ArrayList<>();
        for (JsonNode k : root.get("keys")) {
            try {
                keys.add(MAPPER.treeToValue(k, ApiKey.class));
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": bad key entry " + k + ": " + rootMessage(e), e);
            }
        }
        return new KeyStore(file, keys);
    }

    public Path file() {
        return file;
    }

    public List<ApiKey> keys() {
        return List.copyOf(keys);
    }

    /** Makes a key named {@code name}, stores its hash and returns the key (show it once). */
    public String add(String name, Integer requestsPerMinute, Integer tokensPerMinute) throws IOException {
        if (keys.stream().anyMatch(k -> k.name().equals(name))) {
            throw new IllegalArgumentException("a key named '" + name + "' already exists in " + file
                    + "; revoke it first or pick another name");
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String key = KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        keys.add(new ApiKey(name, sha256(key), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                requestsPerMinute, tokensPerMinute));
        save();
        return key;
    }

    /** Removes the key named {@code name}; false when there is none. */
    public boolean revoke(String name) throws IOException {
        boolean removed = keys.removeIf(k -> k.name().equals(name));
        if (removed) save();
        return removed;
    }

    /** The stored key whose hash matches {@code key}, compared in constant time. */
    public Optional<ApiKey> find(String key) {
        byte[] hash = HexFormat.of().parseHex(sha256(key));
        ApiKey found = null;
        for (ApiKey k : keys) {
            if (MessageDigest.isEqual(hash, HexFormat.of().parseHex(k.sha256()))) found = k;
        }
        return Optional.ofNullable(found);
    }

    /** Lower-case hex SHA-256 of a key's UTF-8 bytes. */
    public static String sha256(String key) {
        return Sha256.hex(key);
    }

    private void save() throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        AtomicFile.write(file, MAPPER.writeValueAsBytes(new Stored(keys)));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) t = t.getCause();
        return t.getMessage();
    }

    private record Stored(List<ApiKey> keys) {}
}
