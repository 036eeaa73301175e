package dev.lathe.tune.peft;

import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which modules an adapter wraps, as PEFT's {@code target_modules}: either a list of names, each matching
 * a module whose full path equals it or ends with {@code "." + name} ({@code q_proj} matches
 * {@code model.layers.0.self_attn.q_proj}), or one regular expression that must match the whole path
 * (Python's {@code re.fullmatch}). Exactly one of {@code names} and {@code regex} is non-null.
 */
public record TargetModules(List<String> names, String regex) {

    public TargetModules {
        if ((names == null) == (regex == null)) {
            throw new IllegalArgumentException("target_modules must be a list of names or one regex, not both or neither");
        }
        if (names != null) {
            names = List.copyOf(names);
            if (names.isEmpty()) {
                throw new IllegalArgumentException("target_modules must name at least one module, got []");
            }
        } else {
            try {
                Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("target_modules regex '" + regex + "' does not compile: "
                        + e.getDescription(), e);
            }
        }
    }

    public static TargetModules of(String... names) {
        return new TargetModules(List.of(names), null);
    }

    public static TargetModules matching(String regex) {
        return new TargetModules(null, regex);
    }

    /** Whether the module at {@code path} (for example {@code model.layers.0.self_attn.q_proj}) is a target. */
    public boolean matches(String path) {
        if (regex != null) {
            return Pattern.compile(regex).matcher(path).matches();
        }
        for (String n : names) {
            if (path.equals(n) || path.endsWith("." + n)) {
                return true;
            }
        }
        return false;
    }
}
