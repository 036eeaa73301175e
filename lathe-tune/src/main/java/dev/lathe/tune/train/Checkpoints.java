package dev.lathe.tune.train;

import dev.lathe.engine.io.AtomicFolder;
import dev.lathe.engine.io.FileTrees;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checkpoint folders {@code checkpoint-<step>/}: each is published with {@link AtomicFolder} (filled under a
 * hidden temporary name and renamed into place), so a crash leaves at most a hidden temporary folder, which
 * resumption ignores and the next save of that step removes. A folder is complete when it has its trainer state (written last, fsynced) and
 * that state parses with every field resumption needs.
 */
public final class Checkpoints {
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)");

    private Checkpoints() {}

    /** Writes the contents of one checkpoint. */
    interface Contents {
        void writeInto(Path dir) throws IOException;
    }

    static Path write(Path outputDir, long step, Contents contents) throws IOException {
        Path dir = outputDir.resolve("checkpoint-" + step);
        AtomicFolder.replace(dir, contents::writeInto);
        return dir;
    }

    /** The complete checkpoints in {@code outputDir}, oldest first. */
    public static List<Path> list(Path outputDir) throws IOException {
        if (!Files.isDirectory(outputDir)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(outputDir)) {
            s.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .filter(Checkpoints::complete)
                    .forEach(out::add);
        }
        out.sort(Comparator.comparingLong(Checkpoints::step));
        return out;
    }

    /** Fields a trainer state must hold for {@code Trainer.resume} to use it. */
    private static final List<String> REQUIRED = List.of("step", "micro_batches_consumed", "seed", "batch_size",
            "grad_accumulation", "train_examples", "best_step", "evals_without_improvement", "stopped");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Whether {@code dir} has a trainer state that parses and holds every required field. */
    static boolean complete(Path dir) {
        Path state = dir.resolve(Trainer.STATE_FILE);
        if (!Files.isRegularFile(state)) {
            return false;
        }
        try {
            JsonNode s = JSON.readTree(state.toFile());
            return s != null && s.isObject() && REQUIRED.stream().allMatch(f -> s.hasNonNull(f));
        } catch (IOException e) {
            return false; // empty or garbled: a state file cut short, so not a checkpoint to resume from
        }
    }

    /** The newest complete checkpoint, if any. */
    public static Optional<Path> latest(Path outputDir) throws IOException {
        List<Path> all = list(outputDir);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    static long step(Path checkpoint) {
        Matcher m = NAME.matcher(checkpoint.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(checkpoint + " is not named checkpoint-<step>");
        }
        return Long.parseLong(m.group(1));
    }

    /** Deletes all but the newest {@code keep} complete checkpoints ({@code keep} 0 keeps all). */
    static void prune(Path outputDir, int keep) throws IOException {
        if (keep <= 0) {
            return;
        }
        List<Path> all = list(outputDir);
        for (int i = 0; i < all.size() - keep; i++) {
            FileTrees.delete(all.get(i));
        }
    }
}
