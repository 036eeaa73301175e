/**
 * The OpenAI API's request and response bodies as records, named and shaped as OpenAI's API reference and
 * OpenAPI spec spell them (snake_case on the wire), the request parser that names the offending
 * {@code param} in every 400, and OpenAI's error object. Nothing here knows HTTP routing or scheduling:
 * handlers in {@code dev.lathe.serve.http} turn parsed requests into generations and generations into
 * these records.
 */
package dev.lathe.serve.openai;
