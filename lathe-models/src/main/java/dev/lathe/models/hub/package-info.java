/**
 * The Hugging Face hub client and its on-disk cache, in the layout Python's {@code huggingface_hub}
 * uses so both share one cache: {@code <cache>/models--Org--Name/{blobs,refs,snapshots}}.
 *
 * <p>{@link dev.lathe.models.hub.HfHub} is the entry point: {@code hf:Org/Name@revision} references
 * ({@link dev.lathe.models.hub.ModelRef}) resolve to a local snapshot folder, downloading only the
 * files a model needs, resumably and checksummed, or read from the cache alone when offline.
 * Settings come from the usual environment variables ({@link dev.lathe.models.hub.HubSettings}).
 */
package dev.lathe.models.hub;
