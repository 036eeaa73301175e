package dev.lathe.tune.data.clean.pii;

import java.util.ArrayList;
import java.util.List;

/**
 * An ordered set of detectors; the order is the priority when two detectors match overlapping
 * text. Instances are independent (no global state): start from {@link #withDefaults()} or
 * {@link #empty()} and {@link #register} more.
 */
public final class PiiRegistry {
    private final List<PiiDetector> detectors = new ArrayList<>();

    private PiiRegistry() {}

    public static PiiRegistry empty() {
        return new PiiRegistry();
    }

    /** E-mail, IBAN, payment card, IPv6, IPv4, phone, in that priority. */
    public static PiiRegistry withDefaults() {
        PiiRegistry r = new PiiRegistry();
        BuiltinDetectors.all().forEach(r::register);
        return r;
    }

    /** Adds a detector at the lowest priority; its name must be new. */
    public PiiRegistry register(PiiDetector detector) {
        for (PiiDetector d : detectors) {
            if (d.name().equals(detector.name())) {
                throw new IllegalArgumentException("detector '" + detector.name() + "' is already registered");
            }
        }
        detectors.add(detector);
        return this;
    }

    /** Removes a detector by name (e.g. to keep phone numbers); unknown names are an error. */
    public PiiRegistry remove(String name) {
        if (!detectors.removeIf(d -> d.name().equals(name))) {
            throw new IllegalArgumentException("no detector '" + name + "'; registered: "
                    + detectors.stream().map(PiiDetector::name).toList());
        }
        return this;
    }

    public List<PiiDetector> detectors() {
        return List.copyOf(detectors);
    }
}
