package dev.lathe.models.format;

import dev.lathe.engine.io.AtomicFile;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.format.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A model in Hugging Face form held in memory: {@code config.json}, the weights by their Hugging Face
 * names, and optionally {@code tokenizer.json} and {@code tokenizer_config.json}. Importers of other
 * formats (GGUF, llama2.c) produce one; {@link #writeTo} turns it into a folder the Hugging Face loaders
 * (ours and theirs) read.
 */
public record HfModelFiles(ObjectNode config, Map<String, Tensor> tensors, ObjectNode tokenizerJson,
        ObjectNode tokenizerConfig) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Writes config.json, model.safetensors and the tokenizer files (each atomically) into {@code dir}. */
    public void writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        writeJson(dir.resolve("config.json"), config);
        SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
        if (tokenizerJson != null) {
            writeJson(dir.resolve("tokenizer.json"), tokenizerJson);
        }
        if (tokenizerConfig != null) {
            writeJson(dir.resolve("tokenizer_config.json"), tokenizerConfig);
        }
    }

    static void writeJson(Path file, ObjectNode node) throws IOException {
        AtomicFile.write(file, JSON.writeValueAsBytes(node));
    }
}
