package dev.lathe.models;

/**
 * The keys and values one sequence has produced so far, preallocated to a capacity so that a
 * decode step allocates nothing. A model creates its own implementation ({@link
 * CausalLanguageModel#newCache}); callers only read its length and rewind it.
 */
public interface KvCache {
    /** Tokens stored so far: the position the next token will take. */
    int length();

    /** The most tokens this cache can hold. */
    int capacity();

    /** Forgets every token from position {@code length} on (e.g. to reuse a shared prompt prefix). */
    void truncate(int length);
}
