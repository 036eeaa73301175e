package dev.lathe.models.load;

import dev.lathe.models.hub.ModelRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What a user names as a model, as {@code lathe generate --model} and friends accept it: a Hugging Face
 * folder, a hub reference {@code hf:Org/Name[@revision]}, a {@code .gguf} file or a llama2.c
 * {@code .bin} checkpoint (with its tokenizer {@code .bin}). {@link #parse} tells them apart by what is
 * on disk (a folder; a file starting with the GGUF magic), so a misnamed or unknown file is refused with
 * a message saying what is accepted instead of failing later inside a reader.
 */
public sealed interface ModelSpec {
    /** The accepted forms, for error messages and help texts. */
    String FORMS = "a Hugging Face model folder, hf:Org/Name[@revision], a .gguf file, or a llama2.c .bin"
            + " checkpoint with --tokenizer tok.bin";

    /** A folder with config.json, safetensors weights and (for text) tokenizer.json. */
    record HfFolder(Path dir) implements ModelSpec {
        @Override
        public String describe() {
            return dir.toString();
        }
    }

    /** A repository on the Hugging Face hub, downloaded into the shared hub cache on first use. */
    record Hub(ModelRef ref) implements ModelSpec {
        @Override
        public String describe() {
            return ref.toString();
        }
    }

    /** A llama.cpp GGUF file. */
    record Gguf(Path file) implements ModelSpec {
        @Override
        public String describe() {
            return file.toString();
        }
    }

    /** A llama2.c checkpoint and its tokenizer ({@code tokenizer} null when none was given). */
    record Llama2c(Path checkpoint, Path tokenizer) implements ModelSpec {
        @Override
        public String describe() {
            return checkpoint + (tokenizer == null ? "" : " (tokenizer " + tokenizer + ")");
        }
    }

    /** How to name this model in messages. */
    String describe();

    /** {@link #parse(String, Path)} without a tokenizer file. */
    static ModelSpec parse(String text) {
        return parse(text, null);
    }

    /**
     * Parses a model spec. {@code tokenizer} is the llama2.c tokenizer {@code .bin} for a llama2.c
     * checkpoint and must be null for every other form (their tokenizer comes with the model).
     *
     * @throws IllegalArgumentException naming the spec and what is wrong: missing file, unknown format,
     *     a tokenizer given where none applies
     */
    static ModelSpec parse(String text, Path tokenizer) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no model given: name " + FORMS);
        }
        ModelSpec spec = parseAlone(text.strip());
        if (tokenizer != null) {
            if (!(spec instanceof Llama2c l)) {
                throw new IllegalArgumentException("a tokenizer file (" + tokenizer + ") applies only to llama2.c"
                        + " checkpoints; " + text + " brings its own tokenizer");
            }
            if (!Files.isRegularFile(tokenizer)) {
                throw new IllegalArgumentException("tokenizer file " + tokenizer + " does not exist");
            }
            return new Llama2c(l.checkpoint(), tokenizer);
        }
        return spec;
    }

    private static ModelSpec parseAlone(String text) {
        if (ModelRef.isHubReference(text)) {
            return new Hub(ModelRef.parse(text));
        }
        Path path = Path.of(text);
        if (Files.isDirectory(path)) {
            if (!Files.isRegularFile(path.resolve("config.json"))) {
                throw new IllegalArgumentException(path + " is a folder without config.json, not a Hugging Face model"
                        + " folder (expected " + FORMS + ")");
            }
            return new HfFolder(path);
        }
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("no such file or folder: " + path + " (expected " + FORMS
                    + (text.contains("/") && !text.startsWith("/") && !text.startsWith(".")
                            ? "; for the hub write hf:" + text : "")
                    + ")");
        }
        String name = path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        boolean ggufMagic = startsWith(path, "GGUF".getBytes(StandardCharsets.US_ASCII));
        if (ggufMagic) {
            return new Gguf(path);
        }
        if (name.endsWith(".gguf")) {
            throw new IllegalArgumentException(path + ": not a GGUF file (it does not start with the magic 'GGUF')");
        }
        if (name.endsWith(".bin")) {
            return new Llama2c(path, null);
        }
        if (name.endsWith(".safetensors") || name.equals("config.json")) {
            throw new IllegalArgumentException(path + ": name the model folder (" + path.toAbsolutePath().getParent()
                    + "), not one of its files");
        }
        throw new IllegalArgumentException(path + ": unknown model format (expected " + FORMS + ")");
    }

    private static boolean startsWith(Path file, byte[] magic) {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(magic.length), magic);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
