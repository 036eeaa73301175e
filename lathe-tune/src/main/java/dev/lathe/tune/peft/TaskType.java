package dev.lathe.tune.peft;

/**
 * PEFT's {@code task_type}, which picks the wrapper model and so the head a saved adapter expects. The
 * names are PEFT's {@code TaskType} values, written as-is in {@code adapter_config.json}.
 */
public enum TaskType {
    CAUSAL_LM, SEQ_CLS, FEATURE_EXTRACTION;

    /** The task type for a JSON value, or an error naming {@code where}. */
    public static TaskType parse(String value, String where) {
        for (TaskType t : values()) {
            if (t.name().equals(value)) {
                return t;
            }
        }
        throw new IllegalArgumentException(where + ": task_type '" + value + "' is not supported; expected one of"
                + " CAUSAL_LM, SEQ_CLS, FEATURE_EXTRACTION");
    }
}
