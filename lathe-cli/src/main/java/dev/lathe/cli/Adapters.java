package dev.lathe.cli;

import dev.lathe.eval.harness.Fingerprints;
import dev.lathe.eval.report.EvalReport;
import dev.lathe.models.load.LoadedModel;
import dev.lathe.tune.peft.lora.LoraAdapters;
import dev.lathe.tune.peft.lora.LoraModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Puts a LoRA adapter (a PEFT folder) onto a loaded model for the commands that evaluate it: the
 * adapter is merged into the base weights (memory-mapped weights are copied, never written), giving a
 * plain decoder that runs on the ordinary KV-cache path. The evaluation harness never sees LoRA.
 */
final class Adapters {
    /** Dropout seed for loading; evaluation runs in inference mode, so it draws nothing. */
    private static final long SEED = 0;

    private Adapters() {}

    /**
     * {@code base} with the adapter in {@code dir} merged in, sharing its tokenizer and mapped weights
     * (close {@code base}, not the result). A folder that does not fit the base fails with LoraAdapters'
     * error naming the file and tensor.
     */
    static LoadedModel merge(LoadedModel base, Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no such adapter folder: " + dir);
        }
        LoraModel lora = LoraAdapters.load(base.model(), dir, SEED);
        lora.merge();
        return new LoadedModel(base.folder(), base.config(), lora.mergedModel(), base.tokenizer(), base.chatTemplate(),
                base.ownChatTemplate(), base.eosTokenIds(), base.defaults(), base.weights());
    }

    /** The adapter's path and the SHA-256 of each file in its folder, for the report. */
    static EvalReport.Adapter describe(Path dir) throws IOException {
        return new EvalReport.Adapter(dir.toString(), Fingerprints.of(dir));
    }
}
