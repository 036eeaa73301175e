/**
 * The HTTP layer: one routes table ({@link dev.lathe.serve.http.Routes}), handlers that only validate,
 * enqueue on the model's scheduler and stream back (the scheduler owns the running sequences), the
 * per-request guard (API key, rate limits, body size, CORS, access log, metrics), and Server-Sent Events
 * written straight to the connection so that a client that goes away cancels its generation.
 */
package dev.lathe.serve.http;
