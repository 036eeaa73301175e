package dev.lathe.models.load;

import dev.lathe.engine.io.AtomicFolder;
import dev.lathe.engine.io.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Lathe's own cache: models converted from GGUF or llama2.c into Hugging Face folders, so that later
 * runs map the converted safetensors instead of converting again. Located at (first that is set)
 * the system property {@code lathe.cache}, {@code $LATHE_CACHE}, {@code $XDG_CACHE_HOME/lathe},
 * {@code ~/.cache/lathe}. Hub downloads are not here: they stay in the cache Python's
 * {@code huggingface_hub} shares (see {@link dev.lathe.models.hub.HubSettings}).
 *
 * <p>Layout: {@code root/converted/<file stem>-<key>/} where the key is a hash of every source file's
 * absolute path, size and modification time, so an edited or replaced source converts anew. A folder is
 * written under a temporary name and renamed into place, so a folder with the final name is complete.
 */
public record LatheCache(Path root) {
    /** The file a converted folder records its sources in (for {@code lathe models list}). */
    public static final String SOURCE_FILE = "lathe-source.txt";

    /** The cache the environment names (see the class doc). */
    public static LatheCache fromEnvironment() {
        return fromEnvironment(System.getenv(), System.getProperty("lathe.cache"));
    }

    static LatheCache fromEnvironment(Map<String, String> env, String property) {
        if (property != null && !property.isBlank()) {
            return new LatheCache(Path.of(property));
        }
        String lathe = env.get("LATHE_CACHE");
        if (lathe != null && !lathe.isBlank()) {
            return new LatheCache(Path.of(lathe));
        }
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return new LatheCache(Path.of(xdg, "lathe"));
        }
        return new LatheCache(Path.of(System.getProperty("user.home"), ".cache", "lathe"));
    }

    /** Where converted models live. */
    public Path convertedRoot() {
        return root.resolve("converted");
    }

    /** A converted model folder in the cache. */
    public record Converted(Path folder, String sources, long bytes) {}

    /** Every converted folder, by name. */
    public List<Converted> listConverted() throws IOException {
        Path dir = convertedRoot();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Converted> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                if (!Files.isDirectory(p) || p.getFileName().toString().startsWith(".")) {
                    continue; // unfinished conversions are dot-folders
                }
                Path src = p.resolve(SOURCE_FILE);
                String sources = Files.isRegularFile(src) ? Files.readString(src).strip() : "?";
                out.add(new Converted(p, sources, size(p)));
            }
        }
        return out;
    }

    /** A step that writes a Hugging Face folder into an empty directory. */
    @FunctionalInterface
    public interface Conversion {
        void writeTo(Path dir) throws IOException;
    }

    /**
     * The cached conversion of {@code sources} (e.g. a GGUF file; a llama2.c checkpoint and its
     * tokenizer), running {@code conversion} into a fresh folder first when there is none.
     *
     * @param log told when a conversion runs (it can take a while)
     */
    public Path converted(List<Path> sources, Conversion conversion, java.util.function.Consumer<String> log)
            throws IOException {
        Path target = convertedRoot().resolve(folderName(sources));
        if (Files.isDirectory(target)) {
            return target;
        }
        log.accept("converting " + sources.getFirst() + " into " + target);
        // When another process converts the same sources meanwhile, the first folder published is kept: theirs is
        // complete too.
        AtomicFolder.createIfAbsent(target, tmp -> {
            conversion.writeTo(tmp);
            StringBuilder text = new StringBuilder();
            for (Path p : sources) {
                text.append(p.toAbsolutePath().normalize()).append('\n');
            }
            Files.writeString(tmp.resolve(SOURCE_FILE), text);
        });
        return target;
    }

    /** {@code <stem of the first source>-<16 hex digits of sha256(path, size, mtime of each source)>}. */
    static String folderName(List<Path> sources) throws IOException {
        MessageDigest sha = Sha256.digest();
        for (Path p : sources) {
            String id = p.toAbsolutePath().normalize() + "\0" + Files.size(p) + "\0"
                    + Files.getLastModifiedTime(p).toMillis() + "\0";
            sha.update(id.getBytes(StandardCharsets.UTF_8));
        }
        String stem = sources.getFirst().getFileName().toString().replaceFirst("\\.[^.]*$", "")
                .replaceAll("[^A-Za-z0-9._-]", "_");
        return stem + "-" + HexFormat.of().formatHex(sha.digest(), 0, 8);
    }

    static long size(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
