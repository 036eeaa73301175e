package dev.lathe.tune.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.engine.io.AtomicFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes prepared records as JSON Lines in their shape's own field names (instruction/input/output,
 * messages, prompt/completion, text, plus label when present), so that a split written here reads
 * back through {@link dev.lathe.tune.data.read.DatasetReader} as the same records. Files are written
 * atomically.
 */
public final class DatasetWriter {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DatasetWriter() {}

    /** One record as a JSON object. */
    public static ObjectNode toJson(Example e) {
        ObjectNode o = MAPPER.createObjectNode();
        switch (e) {
            case AlpacaExample a -> o.put("instruction", a.instruction()).put("input", a.input()).put("output", a.output());
            case ChatExample c -> {
                var arr = o.putArray("messages");
                for (ChatExample.Message m : c.messages()) arr.addObject().put("role", m.role()).put("content", m.content());
            }
            case PromptCompletionExample p -> o.put("prompt", p.prompt()).put("completion", p.completion());
            case TextExample t -> o.put("text", t.text());
        }
        if (e.label() != null) o.put("label", e.label());
        return o;
    }

    public static String toJsonl(List<Example> records) {
        StringBuilder sb = new StringBuilder();
        try {
            for (Example e : records) sb.append(MAPPER.writeValueAsString(toJson(e))).append('\n');
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot serialise a record: " + ex.getOriginalMessage(), ex);
        }
        return sb.toString();
    }

    public static void writeJsonl(List<Example> records, Path file) {
        try {
            AtomicFile.write(file, toJsonl(records).getBytes(StandardCharsets.UTF_8));
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write " + file, ex);
        }
    }
}
