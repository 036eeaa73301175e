package dev.lathe.models.hub;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Checks on names the server hands us before they touch the file system (repository file names,
 * ETags that become blob names, commit shas that become snapshot folders), and the URL encoding
 * of path parts. A hostile or broken server must not be able to write outside the cache.
 */
final class HubNames {
    private static final Pattern ETAG = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final int MAX_FILENAME = 1024;

    private HubNames() {
    }

    /**
     * A repository-relative file name: '/'-separated, no empty, '.' or '..' segment, no backslash,
     * no control character, no drive letter or leading slash.
     *
     * @throws HubException (PROTOCOL) naming the file when it is unsafe
     */
    static String checkFilename(String filename, String where) throws HubException {
        if (!isSafeFilename(filename)) {
            throw new HubException(HubException.Kind.PROTOCOL, where + " names an unsafe file '"
                    + printable(filename) + "' (absolute, '..', '\\' or control characters); refusing it");
        }
        return filename;
    }

    static boolean isSafeFilename(String filename) {
        if (filename == null || filename.isEmpty() || filename.length() > MAX_FILENAME
                || filename.startsWith("/") || filename.contains("\\") || filename.contains(":")) {
            return false;
        }
        for (int i = 0; i < filename.length(); i++) {
            if (Character.isISOControl(filename.charAt(i))) {
                return false;
            }
        }
        for (String segment : filename.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** An ETag, quotes and weak prefix already stripped, safe to use as a blob file name. */
    static String checkEtag(String etag, String where) throws HubException {
        if (etag == null || !ETAG.matcher(etag).matches() || etag.contains("..")) {
            throw new HubException(HubException.Kind.PROTOCOL, where + ": the server sent an unusable ETag '"
                    + printable(etag) + "'");
        }
        return etag;
    }

    /** Strips a weak-validator prefix and the quotes of an ETag header; null stays null. */
    static String normalizeEtag(String header) {
        if (header == null) {
            return null;
        }
        String s = header.strip();
        if (s.startsWith("W/")) {
            s = s.substring(2);
        }
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
            s = s.substring(1, s.length() - 1);
        }
        return s;
    }

    /** LFS files are named by the sha256 of their content: those we can verify. */
    static boolean isSha256(String etag) {
        return etag != null && SHA256.matcher(etag).matches();
    }

    /** Percent-encodes one URL path segment (RFC 3986 unreserved characters stay). */
    static String encodeSegment(String s) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }

    /** Percent-encodes a '/'-separated path, keeping the slashes. */
    static String encodePath(String path) {
        String[] parts = path.split("/", -1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                out.append('/');
            }
            out.append(encodeSegment(parts[i]));
        }
        return out.toString();
    }

    /** Keeps error messages on one readable line whatever the server sent. */
    static String printable(String s) {
        if (s == null) {
            return "(none)";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && i < 200; i++) {
            char c = s.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return out.toString();
    }
}
