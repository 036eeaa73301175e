/** Hugging Face model configuration (config.json, generation_config.json) as an immutable {@link dev.lathe.models.config.ModelConfig}. */
package dev.lathe.models.config;
