/**
 * Continuous batching for the server: one {@link dev.lathe.serve.scheduler.Scheduler} per served model
 * owns every running sequence and advances them together, one batched decode step at a time, admitting
 * queued requests and dropping finished or cancelled ones between steps (Orca's iteration-level
 * scheduling, Yu et al. 2022, <a href="https://www.usenix.org/conference/osdi22/presentation/yu">OSDI '22</a>;
 * vLLM's and llama.cpp server's continuous batching).
 *
 * <p>HTTP handlers only validate, {@link dev.lathe.serve.scheduler.Scheduler#submit submit} and stream
 * (STYLE.md #14). The per-step mechanics (prefill, sampling, stop rules, streaming) are lathe-models'
 * {@link dev.lathe.models.generate.BatchStep}; this package adds the queue, admission with a prefill
 * budget per step, timeouts, cancellation, failure isolation and Micrometer metrics.
 */
package dev.lathe.serve.scheduler;
