/**
 * The Hugging Face safetensors format: a validating, memory-mapping reader
 * ({@link dev.lathe.models.format.safetensors.SafetensorsFile}), sharded checkpoints
 * ({@link dev.lathe.models.format.safetensors.ShardedSafetensors}) and an atomic writer
 * ({@link dev.lathe.models.format.safetensors.SafetensorsWriter}).
 */
package dev.lathe.models.format.safetensors;
