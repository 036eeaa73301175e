package dev.lathe.models.hub;

import java.io.IOException;

/**
 * A hub download or cache lookup failed; the message says what is missing or refused and what to
 * do about it, and {@link #kind()} lets callers react (e.g. suggest HF_TOKEN on {@code ACCESS_DENIED}).
 */
public final class HubException extends IOException {
    /** What went wrong. */
    public enum Kind {
        /** The repository, revision or file does not exist (HTTP 404). */
        NOT_FOUND,
        /** Gated or private repository, or a refused token (HTTP 401/403). */
        ACCESS_DENIED,
        /** Offline mode and the cache lacks what was asked for. */
        NOT_IN_CACHE,
        /** The downloaded bytes do not match the checksum or size the server promised. */
        CHECKSUM,
        /** The server answered something we cannot use (unsafe names, missing headers). */
        PROTOCOL,
        /** The network failed, retries included (timeouts, resets, 5xx). */
        NETWORK
    }

    private final Kind kind;

    public HubException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public HubException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
