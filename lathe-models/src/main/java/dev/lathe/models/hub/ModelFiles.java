package dev.lathe.models.hub;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which files of a repository a model needs, so a download skips the rest (PyTorch .bin copies,
 * ONNX exports, GGUF quantisations, images): the configuration and tokenizer files at the top level,
 * then the safetensors weights: the shards the index lists when there is one, else
 * {@code model.safetensors}, else every top-level {@code *.safetensors}. GGUF files are fetched
 * only when asked for by name.
 */
final class ModelFiles {
    static final String SAFETENSORS_INDEX = "model.safetensors.index.json";
    static final String SINGLE_SAFETENSORS = "model.safetensors";
    /** Small files a model may need beside its weights; each is optional. */
    static final List<String> METADATA = List.of("config.json", "generation_config.json", "tokenizer.json",
            "tokenizer_config.json", "special_tokens_map.json");

    private ModelFiles() {
    }

    /** The metadata files present in {@code siblings}, the safetensors index among them when present. */
    static List<String> metadata(Set<String> siblings) {
        List<String> out = new ArrayList<>();
        for (String name : METADATA) {
            if (siblings.contains(name)) {
                out.add(name);
            }
        }
        if (siblings.contains(SAFETENSORS_INDEX)) {
            out.add(SAFETENSORS_INDEX);
        }
        return out;
    }

    /**
     * The weight files to fetch: the index's shards when {@code index} is non-null, else the
     * top-level safetensors.
     *
     * @throws HubException (NOT_FOUND) when there are none, listing GGUF files that could be named instead
     */
    static List<String> weights(ModelRef ref, Set<String> siblings, JsonNode index) throws HubException {
        if (index != null) {
            List<String> shards = shardsOf(index, ref + " " + SAFETENSORS_INDEX);
            for (String shard : shards) {
                if (!siblings.contains(shard)) {
                    throw new HubException(HubException.Kind.NOT_FOUND, ref + ": " + SAFETENSORS_INDEX
                            + " names shard '" + shard + "' but the repository has no such file");
                }
            }
            return shards;
        }
        if (siblings.contains(SINGLE_SAFETENSORS)) {
            return List.of(SINGLE_SAFETENSORS);
        }
        List<String> all = new ArrayList<>();
        List<String> gguf = new ArrayList<>();
        for (String name : new TreeSet<>(siblings)) {
            if (!name.contains("/") && name.endsWith(".safetensors")) {
                all.add(name);
            } else if (name.endsWith(".gguf")) {
                gguf.add(name);
            }
        }
        if (all.isEmpty()) {
            throw new HubException(HubException.Kind.NOT_FOUND, ref + " has no .safetensors weights"
                    + (gguf.isEmpty() ? "" : "; it has GGUF files " + String.join(", ", gguf)
                            + ": ask for one of them by name"));
        }
        return all;
    }

    /** The distinct shard files of a safetensors index's {@code weight_map}, sorted and checked safe. */
    static List<String> shardsOf(JsonNode index, String where) throws HubException {
        JsonNode map = index == null ? null : index.get("weight_map");
        if (map == null || !map.isObject() || map.isEmpty()) {
            throw new HubException(HubException.Kind.PROTOCOL, where + " has no 'weight_map' object");
        }
        Set<String> shards = new TreeSet<>();
        for (JsonNode value : map) {
            if (!value.isTextual()) {
                throw new HubException(HubException.Kind.PROTOCOL, where + ": 'weight_map' values must be file names");
            }
            shards.add(HubNames.checkFilename(value.asText(), where));
        }
        return List.copyOf(shards);
    }
}
