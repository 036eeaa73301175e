package dev.lathe.engine.kernel;

import java.lang.System.Logger.Level;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one place that decides whether kernels use the Vector API, and with which vector shape.
 * Chosen once when the class initialises; when SIMD is off it logs why, and kernels take their
 * scalar twins. Set {@code -Dlathe.simd=false} to force the scalar paths (tests compare both).
 */
public final class Simd {
    /** The float species kernels use: the widest the CPU runs natively. */
    public static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Whether kernels take their SIMD paths. */
    public static final boolean ENABLED = decide();

    private Simd() {}

    private static boolean decide() {
        System.Logger log = System.getLogger(Simd.class.getName());
        if (!Boolean.parseBoolean(System.getProperty("lathe.simd", "true"))) {
            log.log(Level.INFO, "SIMD kernels disabled by -Dlathe.simd=false; using scalar kernels");
            return false;
        }
        if (F.length() < 4) {
            log.log(Level.WARNING, "the preferred float vector has " + F.length()
                    + " lanes (no usable SIMD on this CPU/JVM); using scalar kernels");
            return false;
        }
        return true;
    }

    /** A one-line description for `lathe version` and benchmark headers. */
    public static String describe() {
        return ENABLED ? "Vector API, " + F.vectorBitSize() + "-bit (" + F.length() + " floats)" : "scalar";
    }
}
