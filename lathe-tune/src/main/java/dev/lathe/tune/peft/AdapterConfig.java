package dev.lathe.tune.peft;

/**
 * What every PEFT adapter config states, whatever the method: its {@code peft_type}, task, base model and
 * target modules. Each method's config record (e.g. {@code lora.LoraConfig}) implements it.
 */
public interface AdapterConfig {
    /** PEFT's {@code peft_type}, e.g. "LORA". */
    String peftType();

    /** PEFT's {@code task_type}, or null when the adapter does not state one. */
    TaskType taskType();

    /** The model the adapter was trained on, or null. */
    String baseModelNameOrPath();

    TargetModules targetModules();
}
