/**
 * Pluggable PII redaction: {@link dev.lathe.tune.data.clean.pii.PiiDetector}s registered in a
 * {@link dev.lathe.tune.data.clean.pii.PiiRegistry} (built-ins: e-mail, phone, payment card by issuer
 * prefix, length and Luhn, IBAN with mod 97, IPv4, IPv6), applied by a {@link dev.lathe.tune.data.clean.pii.PiiRedactor}
 * that replaces matches with placeholders such as {@code {{EMAIL}}} and never touches existing
 * {@code {{...}}} placeholders.
 */
package dev.lathe.tune.data.clean.pii;
