/**
 * Per-key rate limits (requests per minute and tokens per minute) as token buckets that refill
 * continuously, answered as OpenAI does: 429 with the {@code x-ratelimit-*} headers on every response.
 */
package dev.lathe.serve.limits;
