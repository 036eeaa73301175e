/**
 * Readers for JSONL, JSON arrays and CSV (RFC 4180) into raw rows, and the conversion of raw rows
 * into {@link dev.lathe.tune.data.Example}s with shape detection and column mapping.
 */
package dev.lathe.tune.data.read;
