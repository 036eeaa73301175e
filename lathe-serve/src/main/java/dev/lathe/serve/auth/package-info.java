/**
 * API keys: clients send {@code Authorization: Bearer <key>}; the server keeps only each key's SHA-256 in
 * a keys file (so a leaked file does not leak keys), with a name and optional per-key rate limits.
 * Keys are random 256-bit values, so an unsalted hash is enough (no dictionary to attack).
 */
package dev.lathe.serve.auth;
