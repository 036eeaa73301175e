/**
 * The support assistant's escalation rules: when a customer message goes to a person instead of the
 * generator. A message is escalated when the intent classifier is unsure (its confidence is below a
 * threshold calibrated on held-out data), when its intent is one that needs a person (complaints, asking
 * for a human agent), or when it carries personal data (card numbers, IBANs, e-mail addresses...), which
 * then never reaches the generator or the logs: the {@link dev.lathe.serve.assistant.Ticket} holds the
 * redacted text.
 */
package dev.lathe.serve.assistant;
