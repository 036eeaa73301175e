/**
 * Cleaning steps over {@link dev.lathe.tune.data.Example}s, each reporting how many records came in,
 * were removed or changed, and went out: Unicode NFC, control characters, whitespace, empty rows,
 * exact and near duplicates (MinHash + LSH, verified by exact Jaccard), length filters, and
 * pluggable PII redaction ({@code clean.pii}).
 */
package dev.lathe.tune.data.clean;
