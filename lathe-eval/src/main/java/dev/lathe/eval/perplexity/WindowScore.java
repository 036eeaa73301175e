package dev.lathe.eval.perplexity;

/**
 * One forward pass of the sliding window over a sequence: the ids {@code [begin, end)} went in, and
 * the tokens {@code [end - scored, end)} (those no earlier window scored) were scored.
 *
 * @param begin first position of the window in the sequence
 * @param end one past its last position
 * @param scored tokens scored in this window (the window's first token never is: nothing precedes it)
 * @param nll the sum of their negative log-likelihoods, in nats
 */
public record WindowScore(int begin, int end, int scored, double nll) {}
