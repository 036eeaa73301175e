/**
 * What every parameter-efficient method shares: the task types and target-module matching of Hugging Face
 * PEFT's configs, the Hugging Face module names of a decoder's projections ({@link dev.lathe.tune.peft.DecoderModules}),
 * PEFT-style JSON ({@link dev.lathe.tune.peft.PeftJson}) and the registry from {@code peft_type} to config reader
 * ({@link dev.lathe.tune.peft.AdapterConfigs}). Each method lives in its own subpackage ({@code lora}, ...).
 */
package dev.lathe.tune.peft;
