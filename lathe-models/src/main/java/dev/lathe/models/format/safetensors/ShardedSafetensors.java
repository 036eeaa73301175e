package dev.lathe.models.format.safetensors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.format.Weights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A checkpoint split over several safetensors files, as Hugging Face saves large models: an index
 * ({@code model.safetensors.index.json}, {@code {"metadata": {...}, "weight_map": {tensor: shard file}}})
 * beside the shards. Each shard is opened (memory-mapped) once and all tensors share one name space.
 *
 * <p>Opening checks the checkpoint is consistent: every shard the index names exists inside the
 * directory, every tensor the index lists is in the shard it names, and no tensor is in two shards.
 * Defects fail with a {@link SafetensorsFormatException} naming the index, the tensor and the shard.
 */
public final class ShardedSafetensors implements Weights {
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Path index;
    private final List<SafetensorsFile> shards;
    private final Map<String, SafetensorsFile> owner;  // loadable tensor -> its shard
    private final Map<String, String> unsupported;     // tensor of a type Lathe does not load -> dtype
    private final Map<String, String> metadata;

    private ShardedSafetensors(Path index, List<SafetensorsFile> shards, Map<String, SafetensorsFile> owner,
            Map<String, String> unsupported, Map<String, String> metadata) {
        this.index = index;
        this.shards = shards;
        this.owner = owner;
        this.unsupported = unsupported;
        this.metadata = metadata;
    }

    /**
     * Opens a sharded checkpoint: {@code dirOrIndex} is the model directory (holding
     * {@value Weights#SHARD_INDEX}) or the index file itself.
     */
    public static ShardedSafetensors open(Path dirOrIndex) throws IOException {
        Path index = Files.isDirectory(dirOrIndex) ? dirOrIndex.resolve(Weights.SHARD_INDEX) : dirOrIndex;
        Path dir = index.toAbsolutePath().getParent();
        if (Files.size(index) > SafetensorsHeader.MAX_HEADER_BYTES) {
            throw indexError(index, "is " + Files.size(index) + " bytes, larger than the "
                    + SafetensorsHeader.MAX_HEADER_BYTES + "-byte limit");
        }
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(index));
        } catch (JacksonException e) {
            throw indexError(index, "is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw indexError(index, "is not valid UTF-8", e);
        }
        if (root == null || !root.isObject()) {
            throw indexError(index, "is not a JSON object");
        }
        JsonNode weightMap = root.get("weight_map");
        if (weightMap == null || !weightMap.isObject()) {
            throw indexError(index, "has no \"weight_map\" object");
        }
        Map<String, String> listed = new LinkedHashMap<>(); // tensor -> shard file name
        Map<String, Path> shardPaths = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : weightMap.properties()) {
            if (!e.getValue().isTextual()) {
                throw indexError(index, "maps tensor '" + e.getKey() + "' to " + e.getValue() + ", not a file name");
            }
            String shard = e.getValue().textValue();
            listed.put(e.getKey(), shard);
            if (!shardPaths.containsKey(shard)) {
                Path p = dir.resolve(shard).normalize();
                if (shard.isEmpty() || !p.startsWith(dir.normalize()) || p.equals(dir.normalize())) {
                    throw indexError(index, "maps tensor '" + e.getKey() + "' to shard '" + shard
                            + "', which is not a file inside " + dir);
                }
                if (!Files.isRegularFile(p)) {
                    throw indexError(index, "maps tensor '" + e.getKey() + "' to shard '" + shard
                            + "', which does not exist (" + p + ")");
                }
                shardPaths.put(shard, p);
            }
        }
        Map<String, String> metadata = metadata(index, root.get("metadata"));

        List<SafetensorsFile> opened = new ArrayList<>();
        try {
            Map<String, SafetensorsFile> owner = new LinkedHashMap<>();
            Map<String, String> unsupported = new LinkedHashMap<>();
            Map<String, String> shardOf = new LinkedHashMap<>(); // every tensor -> the shard holding it
            for (Map.Entry<String, Path> s : shardPaths.entrySet()) {
                SafetensorsFile file = SafetensorsFile.open(s.getValue());
                opened.add(file);
                for (String name : file.names()) {
                    claim(index, shardOf, name, s.getKey());
                    owner.put(name, file);
                }
                for (Map.Entry<String, String> u : file.unsupported().entrySet()) {
                    claim(index, shardOf, u.getKey(), s.getKey());
                    unsupported.put(u.getKey(), u.getValue());
                }
            }
            for (Map.Entry<String, String> e : listed.entrySet()) {
                String actual = shardOf.get(e.getKey());
                if (!e.getValue().equals(actual)) {
                    throw indexError(index, "lists tensor '" + e.getKey() + "' in shard '" + e.getValue()
                            + "', which does not contain it" + (actual == null ? "" : " (it is in '" + actual + "')"));
                }
            }
            return new ShardedSafetensors(index, List.copyOf(opened), Collections.unmodifiableMap(owner),
                    Collections.unmodifiableMap(unsupported), metadata);
        } catch (IOException | RuntimeException e) {
            opened.forEach(SafetensorsFile::close);
            throw e;
        }
    }

    private static void claim(Path index, Map<String, String> shardOf, String name, String shard) {
        String previous = shardOf.putIfAbsent(name, shard);
        if (previous != null) {
            throw indexError(index, "has tensor '" + name + "' in two shards: '" + previous + "' and '" + shard + "'");
        }
    }

    private static Map<String, String> metadata(Path index, JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw indexError(index, "has \"metadata\" that is not a JSON object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        // Values are usually numbers ("total_size"): keep scalars' text, structures as JSON.
        node.properties().forEach(e -> out.put(e.getKey(),
                e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
        return Collections.unmodifiableMap(out);
    }

    @Override
    public Set<String> names() {
        return owner.keySet();
    }

    @Override
    public Tensor tensor(String name) {
        return shardFor(name).tensor(name);
    }

    public TensorInfo info(String name) {
        return shardFor(name).info(name);
    }

    /** The shard holding a loadable tensor. */
    public SafetensorsFile shardFor(String name) {
        SafetensorsFile file = owner.get(name);
        if (file == null) {
            String type = unsupported.get(name);
            throw new IllegalArgumentException("sharded checkpoint " + index + (type == null
                    ? " has no tensor named '" + name + "' (" + owner.size() + " tensors)"
                    : ": tensor '" + name + "' has dtype " + type + ", which Lathe does not load (it loads "
                            + StoredType.loadable() + ")"));
        }
        return file;
    }

    /** Tensors of types Lathe does not load, across all shards: name to safetensors dtype. */
    public Map<String, String> unsupported() {
        return unsupported;
    }

    /** The index's {@code metadata} (for example {@code total_size}), values as text. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The shards, in the order the index first names them. */
    public List<SafetensorsFile> shards() {
        return shards;
    }

    /** The index file. */
    public Path path() {
        return index;
    }

    @Override
    public void close() {
        shards.forEach(SafetensorsFile::close);
    }

    @Override
    public String toString() {
        return "ShardedSafetensors(" + index + ", " + shards.size() + " shards, " + owner.size() + " tensors)";
    }

    private static SafetensorsFormatException indexError(Path index, String defect) {
        return new SafetensorsFormatException("sharded checkpoint index " + index + " " + defect);
    }

    private static SafetensorsFormatException indexError(Path index, String defect, Throwable cause) {
        return new SafetensorsFormatException("sharded checkpoint index " + index + " " + defect, cause);
    }
}
