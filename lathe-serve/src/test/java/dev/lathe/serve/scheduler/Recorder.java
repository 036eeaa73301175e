package dev.lathe.serve.scheduler;

import dev.lathe.models.generate.TokenListener;
import dev.lathe.models.generate.TokenLogprobs;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.IntConsumer;

/** A listener for tests: keeps the streamed ids and text, counts down a latch per token, runs a hook. */
final class Recorder implements TokenListener {
    final List<Integer> ids = new ArrayList<>();
    final StringBuilder text = new StringBuilder();
    final CountDownLatch firstToken = new CountDownLatch(1);
    private final IntConsumer onTokenNumber; // called with 1, 2, 3... before recording

    Recorder() {
        this(n -> {});
    }

    Recorder(IntConsumer onTokenNumber) {
        this.onTokenNumber = onTokenNumber;
    }

    @Override
    public synchronized void onToken(int tokenId, String textDelta, TokenLogprobs logprobs) {
        onTokenNumber.accept(ids.size() + 1);
        ids.add(tokenId);
        text.append(textDelta);
        firstToken.countDown();
    }

    synchronized int[] idArray() {
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    synchronized int count() {
        return ids.size();
    }
}
