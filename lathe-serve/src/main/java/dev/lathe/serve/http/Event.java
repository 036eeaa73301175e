package dev.lathe.serve.http;

import dev.lathe.models.generate.Generation;
import dev.lathe.models.generate.TokenLogprobs;

/**
 * What the scheduler thread hands to a streaming handler's thread for one choice: a token with the text it
 * made final, the finished generation, or the failure. The scheduler never blocks on a client.
 */
sealed interface Event {
    int choice();

    record Token(int choice, int tokenId, String delta, TokenLogprobs logprobs) implements Event {}

    record Done(int choice, Generation generation) implements Event {}

    record Failed(int choice, Throwable error) implements Event {}
}
