/**
 * The models a server answers for: base models loaded at startup and named adapters (a base plus a PEFT
 * LoRA folder) merged into a copy of the base weights on first use, because the KV-cache inference path
 * has no adapter hooks. Each served model has its own scheduler. Adapters are unloaded least recently
 * used under a memory budget and reloaded when their folder changes; a model in use is never closed
 * under a request (leases count users).
 */
package dev.lathe.serve.registry;
