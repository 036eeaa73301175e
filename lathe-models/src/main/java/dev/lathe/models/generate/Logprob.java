package dev.lathe.models.generate;

/** One token and its log-probability (natural log) under the reported distribution. */
public record Logprob(int tokenId, float logprob) {}
