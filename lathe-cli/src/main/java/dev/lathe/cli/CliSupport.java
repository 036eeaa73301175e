package dev.lathe.cli;

import dev.lathe.models.load.ModelLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * What the model commands share: turning expected failures (a bad file, a wrong option, a missing
 * tokenizer) into one {@code lathe <command>: message} line on standard error and exit code 1, instead of
 * a stack trace; whether standard output is a terminal; the model loader with its log on standard error.
 */
final class CliSupport {
    /** Exit code of a command that failed on its input (picocli's own usage errors exit with 2). */
    static final int FAILED = 1;

    private CliSupport() {}

    static int guard(PrintWriter err, String command, Callable<Integer> body) {
        try {
            return body.call();
        } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException
                | IOException | UncheckedIOException e) {
            debugTrace(err, e);
            return fail(err, command, e.getMessage() == null ? e.toString() : e.getMessage());
        } catch (Exception e) {
            // Not an input problem but a defect in Lathe: show where, so it can be reported.
            e.printStackTrace(err);
            return fail(err, command, e + " (a bug in Lathe; please report it with the trace above)");
        }
    }

    /** With {@code LATHE_DEBUG} set, expected failures show their stack trace too. */
    private static void debugTrace(PrintWriter err, Exception e) {
        String debug = System.getenv("LATHE_DEBUG");
        if (debug != null && !debug.isBlank() && !debug.equals("0")) {
            e.printStackTrace(err);
        }
    }

    static int fail(PrintWriter err, String command, String message) {
        err.println("lathe " + command + ": " + message);
        err.flush();
        return FAILED;
    }

    /** Whether standard output is an interactive terminal (then a final newline is added for the prompt). */
    static boolean stdoutIsTerminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    static ModelLoader loader(PrintWriter err) {
        return ModelLoader.fromEnvironment(msg -> {
            err.println("lathe: " + msg);
            err.flush();
        });
    }

    static String millis(double ms) {
        return String.format(Locale.ROOT, "%.1f ms", ms);
    }

    static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%.1f tok/s", perSecond);
    }
}
