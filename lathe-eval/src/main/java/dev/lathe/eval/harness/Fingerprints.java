package dev.lathe.eval.harness;

import dev.lathe.engine.io.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * SHA-256 fingerprints of the files an evaluation read, so a report says exactly which model and data
 * produced its numbers: a file's own hash, and for a model folder the hash of each file in it.
 */
public final class Fingerprints {
    private Fingerprints() {}

    /** Lower-case hex SHA-256 of the file's bytes. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** A file's hash, or every regular file's hash under a folder, by relative path (sorted). */
    public static Map<String, String> of(Path fileOrFolder) throws IOException {
        Map<String, String> out = new TreeMap<>();
        if (Files.isDirectory(fileOrFolder)) {
            List<Path> files;
            try (Stream<Path> s = Files.walk(fileOrFolder)) {
                files = s.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path f : files) {
                out.put(fileOrFolder.relativize(f).toString().replace('\\', '/'), sha256(f));
            }
        } else {
            out.put(fileOrFolder.getFileName().toString(), sha256(fileOrFolder));
        }
        return out;
    }

    private static MessageDigest digest() {
        return Sha256.digest();
    }
}
