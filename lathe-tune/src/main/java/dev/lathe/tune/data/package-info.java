/**
 * Dataset preparation for fine-tuning: records in the common shapes ({@link dev.lathe.tune.data.Example}),
 * readers for JSONL, JSON arrays and CSV ({@code read}), cleaning steps that report what they did
 * ({@code clean}), leakage-free seeded splits ({@code split}) and a dataset report ({@code report}).
 * {@link dev.lathe.tune.data.DatasetPreparation} runs the whole step.
 */
package dev.lathe.tune.data;
