package dev.lathe.models.format;

import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.format.safetensors.SafetensorsFile;
import dev.lathe.models.format.safetensors.ShardedSafetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Named weight tensors from a checkpoint, whatever its layout on disk: one safetensors file or a
 * sharded set behind an index. Model loaders ask for tensors by their Hugging Face names and need
 * not care how the checkpoint was split.
 *
 * <p>Tensors are typically views over memory-mapped files (read-only, no copy) and are valid until
 * {@link #close()}.
 */
public interface Weights extends AutoCloseable {
    /** File names {@link #open} looks for in a model directory. */
    String SINGLE_FILE = "model.safetensors";
    String SHARD_INDEX = "model.safetensors.index.json";

    /** Names of the loadable tensors. */
    Set<String> names();

    /** The tensor called {@code name}; IllegalArgumentException naming the source if there is none. */
    Tensor tensor(String name);

    default boolean contains(String name) {
        return names().contains(name);
    }

    /** Releases the underlying files; tensors from them become unusable. */
    @Override
    void close();

    /**
     * Opens a checkpoint: a safetensors file, a sharded checkpoint's {@code *.index.json}, or a model
     * directory holding either {@value #SHARD_INDEX} (sharded; preferred) or {@value #SINGLE_FILE}.
     */
    static Weights open(Path modelDirOrFile) throws IOException {
        if (!Files.isDirectory(modelDirOrFile)) {
            if (!Files.exists(modelDirOrFile)) {
                throw new IOException("no such model file or directory: " + modelDirOrFile);
            }
            if (modelDirOrFile.getFileName().toString().endsWith(".index.json")) {
                return ShardedSafetensors.open(modelDirOrFile);
            }
            return SafetensorsFile.open(modelDirOrFile);
        }
        Path index = modelDirOrFile.resolve(SHARD_INDEX);
        if (Files.exists(index)) {
            return ShardedSafetensors.open(modelDirOrFile);
        }
        Path single = modelDirOrFile.resolve(SINGLE_FILE);
        if (Files.exists(single)) {
            return SafetensorsFile.open(single);
        }
        throw new IOException("model directory " + modelDirOrFile + " has neither " + SHARD_INDEX + " nor "
                + SINGLE_FILE);
    }
}
