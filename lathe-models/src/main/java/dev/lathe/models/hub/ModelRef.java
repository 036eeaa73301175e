package dev.lathe.models.hub;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A model on the Hugging Face hub: {@code hf:Org/Name[@revision]}, where the revision is a branch, a
 * tag or a commit sha and defaults to {@code main}. Parsing validates every part so that none can
 * escape the cache folder it names (no {@code ..}, no separators other than the one slash).
 *
 * @param org the user or organisation owning the repository
 * @param name the repository name
 * @param revision a branch, tag or 40-hex commit sha
 */
public record ModelRef(String org, String name, String revision) {
    /** The prefix that marks a hub reference on the command line. */
    public static final String PREFIX = "hf:";
    /** The revision used when none is given. */
    public static final String DEFAULT_REVISION = "main";

    // Hub rules: letters, digits, '-', '_', '.'; no "--" or ".." anywhere; no leading/trailing '-' or '.'.
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern REVISION_SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.+-]*");
    private static final int MAX_REPO_ID = 96;
    private static final int MAX_REVISION = 255;

    public ModelRef {
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(revision, "revision");
        checkPart("organisation", org);
        checkPart("name", name);
        if (org.length() + 1 + name.length() > MAX_REPO_ID) {
            throw new IllegalArgumentException("repository id '" + org + "/" + name + "' is longer than "
                    + MAX_REPO_ID + " characters");
        }
        checkRevision(revision);
    }

    /** {@code Org/Name} at the default revision. */
    public static ModelRef of(String org, String name) {
        return new ModelRef(org, name, DEFAULT_REVISION);
    }

    /** True when {@code text} is meant as a hub reference (starts with {@code hf:}). */
    public static boolean isHubReference(String text) {
        return text != null && text.startsWith(PREFIX);
    }

    /**
     * Parses {@code hf:Org/Name[@revision]}.
     *
     * @throws IllegalArgumentException naming the reference and what is wrong with it
     */
    public static ModelRef parse(String text) {
        Objects.requireNonNull(text, "text");
        if (!text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("model reference '" + text + "' must look like hf:Org/Name[@revision]");
        }
        String body = text.substring(PREFIX.length());
        String revision = DEFAULT_REVISION;
        int at = body.indexOf('@');
        if (at >= 0) {
            revision = body.substring(at + 1);
            body = body.substring(0, at);
            if (revision.isEmpty()) {
                throw new IllegalArgumentException("model reference '" + text + "' has an empty revision after '@'");
            }
        }
        int slash = body.indexOf('/');
        if (slash < 0 || body.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException("model reference '" + text
                    + "' must name exactly one organisation and one repository: hf:Org/Name[@revision]");
        }
        try {
            return new ModelRef(body.substring(0, slash), body.substring(slash + 1), revision);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model reference '" + text + "': " + e.getMessage(), e);
        }
    }

    /** {@code Org/Name}, as the hub's URLs spell it. */
    public String repoId() {
        return org + "/" + name;
    }

    /** The cache folder for this repository: {@code models--Org--Name}. */
    public String cacheFolderName() {
        return "models--" + org + "--" + name;
    }

    /** True when the revision is a full commit sha (it then never moves). */
    public boolean isCommit() {
        return isCommitSha(revision);
    }

    /** The same repository at another revision. */
    public ModelRef withRevision(String newRevision) {
        return new ModelRef(org, name, newRevision);
    }

    static boolean isCommitSha(String s) {
        return s != null && COMMIT.matcher(s).matches();
    }

    @Override
    public String toString() {
        return PREFIX + repoId() + "@" + revision;
    }

    private static void checkPart(String what, String part) {
        if (!PART.matcher(part).matches() || part.contains("--") || part.contains("..")
                || part.endsWith("-") || part.endsWith(".") || part.endsWith(".git")) {
            throw new IllegalArgumentException("repository " + what + " '" + part
                    + "' is invalid: use letters, digits, '-', '_' and '.', without '--' or '..', and not"
                    + " starting or ending with '-' or '.'");
        }
    }

    /** Branch or tag names may hold '/' (e.g. refs/pr/1), each segment a plain name. */
    private static void checkRevision(String revision) {
        boolean ok = !revision.isEmpty() && revision.length() <= MAX_REVISION;
        if (ok) {
            for (String segment : revision.split("/", -1)) {
                if (!REVISION_SEGMENT.matcher(segment).matches() || segment.contains("..")
                        || segment.endsWith(".lock") || segment.endsWith(".")) {
                    ok = false;
                    break;
                }
            }
        }
        if (!ok) {
            throw new IllegalArgumentException("revision '" + revision + "' is invalid: use a branch, tag or"
                    + " commit sha made of letters, digits, '-', '_', '.', '+' and '/'-separated names");
        }
    }
}
