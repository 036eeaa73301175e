/**
 * Weight file formats. {@link dev.lathe.models.format.Weights} is the format-neutral view model
 * loaders use; each subpackage reads one format (safetensors, GGUF, llama2.c).
 */
package dev.lathe.models.format;
