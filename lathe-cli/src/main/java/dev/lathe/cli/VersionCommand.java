package dev.lathe.cli;

import dev.lathe.engine.kernel.Parallel;
import dev.lathe.engine.kernel.Simd;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code lathe version}: the Lathe version, the JVM, and the engine's SIMD and thread settings. */
@Command(name = "version", description = "Print the Lathe version, the JVM and the engine's SIMD/thread settings.")
final class VersionCommand implements Runnable {

    static String latheVersion() {
        try (InputStream in = VersionCommand.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void run() {
        System.out.println("lathe " + latheVersion());
        System.out.println("java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ", "
                + System.getProperty("java.home") + ")");
        System.out.println("engine: " + Simd.describe() + ", " + Parallel.threads() + " threads");
    }

    static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"lathe " + latheVersion(), "java " + Runtime.version(),
                    "engine: " + Simd.describe() + ", " + Parallel.threads() + " threads"};
        }
    }
}
