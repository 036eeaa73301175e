/**
 * Lathe's server: the OpenAI-compatible and Hugging Face-compatible HTTP API over locally loaded models,
 * one scheduler that owns the running sequences and batches their decode steps, adapters per request,
 * structured output, authentication, limits and metrics.
 */
package dev.lathe.serve;
