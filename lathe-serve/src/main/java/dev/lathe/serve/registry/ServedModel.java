package dev.lathe.serve.registry;

import dev.lathe.models.load.LoadedModel;
import dev.lathe.serve.embeddings.EmbeddingService;
import dev.lathe.serve.scheduler.Scheduler;
import dev.lathe.serve.structured.TokenVocabulary;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One name the server answers for, loaded: the model (a base, or a base with an adapter merged in) and
 * the scheduler that batches its requests. Leases count the requests using it so that unloading waits for
 * them: {@link #retire} marks it for closing, and the last lease closes it.
 *
 * @param adapterOf the base model's name for an adapter, null for a base
 * @param bytes memory this entry holds beyond its base (the merged projection copies), 0 for a base
 */
public final class ServedModel {
    private final String name;
    private final LoadedModel model;
    private final Scheduler scheduler;
    private final String adapterOf;
    private final long created;
    private final long bytes;
    private final Runnable closer;
    private final AtomicInteger leases = new AtomicInteger();
    private volatile boolean retired;
    private volatile boolean closed;
    private volatile long lastUsedNanos = System.nanoTime();
    private TokenVocabulary vocabulary;
    private EmbeddingService embeddings;

    ServedModel(String name, LoadedModel model, Scheduler scheduler, String adapterOf, long created, long bytes,
            Runnable closer) {
        this.name = name;
        this.model = model;
        this.scheduler = scheduler;
        this.adapterOf = adapterOf;
        this.created = created;
        this.bytes = bytes;
        this.closer = closer;
    }

    public String name() {
        return name;
    }

    public LoadedModel model() {
        return model;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /** The bytes of every token, for constrained decoding; built on first use (a trie walk per tokenizer). */
    public synchronized TokenVocabulary vocabulary() {
        if (vocabulary == null) vocabulary = TokenVocabulary.of(model.tokenizer(), model.model().vocabSize());
        return vocabulary;
    }

    /** This model as an embedder (mean-pooled final hidden states), made on first use. */
    public synchronized EmbeddingService embeddings() {
        if (embeddings == null) embeddings = EmbeddingService.decoder(name, model.model(), model.tokenizer(), false);
        return embeddings;
    }

    /** The base model's name for an adapter, null for a base. */
    public String adapterOf() {
        return adapterOf;
    }

    /** Unix seconds when it was loaded (OpenAI's {@code created}). */
    public long created() {
        return created;
    }

    long bytes() {
        return bytes;
    }

    long lastUsedNanos() {
        return lastUsedNanos;
    }

    int leases() {
        return leases.get();
    }

    /** Takes a lease; false when it was retired meanwhile (the caller looks it up again). */
    boolean acquire() {
        leases.incrementAndGet();
        if (retired) {
            release();
            return false;
        }
        lastUsedNanos = System.nanoTime();
        return true;
    }

    void release() {
        if (leases.decrementAndGet() == 0 && retired) closeNow();
    }

    /** No new leases; closes once the current ones are released. */
    void retire() {
        retired = true;
        if (leases.get() == 0) closeNow();
    }

    private synchronized void closeNow() {
        if (closed) return;
        closed = true;
        scheduler.close();
        closer.run();
    }
}
