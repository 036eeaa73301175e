package dev.lathe.engine.kernel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The kernels' worker pool, sized once to the cores, or to {@code -Dlathe.threads=N} /
 * {@code LATHE_THREADS=N}. Work is split into contiguous ranges of at least {@code grain} items so
 * small problems stay on the calling thread.
 */
public final class Parallel {
    private static final int THREADS = configuredThreads();
    private static final ForkJoinPool POOL = THREADS > 1 ? new ForkJoinPool(THREADS) : null;
    /** Chunks per thread in {@link #forRange(int, int, RangeBody)}. */
    static final int OVERSPLIT = 4;

    private Parallel() {}

    /** A range of work items {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    public static int threads() {
        return THREADS;
    }

    private static int configuredThreads() {
        String value = System.getProperty("lathe.threads", System.getenv("LATHE_THREADS"));
        if (value == null || value.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("lathe.threads / LATHE_THREADS must be a positive integer, got '"
                    + value + "'");
        }
    }

    /**
     * Runs {@code body} over {@code [0, n)} split across the pool; each chunk has at least {@code grain}
     * items. There are up to {@link #OVERSPLIT} chunks per thread, claimed in turn by whichever thread is
     * free: a core slowed by a neighbour on the host, or a worker slow to wake, then takes fewer chunks
     * instead of holding up the others. The chunk bounds depend only on {@code n}, {@code grain} and the
     * pool size, never on timing, so a body's results do not change from run to run.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int chunks = Math.min(THREADS * OVERSPLIT, Math.max(1, n / Math.max(1, grain)));
        if (chunks <= 1 || POOL == null) {
            body.run(0, n);
            return;
        }
        if (inPool()) { // nested parallelism: one chunk per thread, forked within the pool
            forRange(n, grain, THREADS, body);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        RecursiveAction[] claimers = new RecursiveAction[Math.min(THREADS, chunks)];
        for (int t = 0; t < claimers.length; t++) {
            claimers[t] = new RecursiveAction() {
                @Override
                protected void compute() {
                    for (int c; (c = next.getAndIncrement()) < chunks; ) {
                        body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
                    }
                }
            };
        }
        callerRuns(claimers);
    }

    /**
     * As {@link #forRange(int, int, RangeBody)} but in at most {@code maxThreads} contiguous chunks, one
     * per thread (1 = on this thread): for bodies with a cost per chunk, such as a GEMM part packing the
     * operand it shares with the others.
     */
    public static void forRange(int n, int grain, int maxThreads, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int chunks = Math.min(Math.min(maxThreads, THREADS), Math.max(1, n / Math.max(1, grain)));
        if (chunks <= 1 || POOL == null) {
            body.run(0, n);
            return;
        }
        RecursiveAction[] tasks = new RecursiveAction[chunks];
        for (int c = 0; c < chunks; c++) {
            int start = (int) ((long) n * c / chunks);
            int end = (int) ((long) n * (c + 1) / chunks);
            tasks[c] = new RecursiveAction() {
                @Override
                protected void compute() {
                    body.run(start, end);
                }
            };
        }
        if (inPool()) {
            RecursiveAction.invokeAll(tasks); // nested parallelism: fork within the pool
        } else {
            callerRuns(tasks);
        }
    }

    /**
     * Runs {@code tasks[0]} on the calling thread and the rest on the pool: the caller works instead of
     * waiting, and each region wakes one worker fewer (a wake-up costs tens of microseconds on a virtual
     * machine, and a training step runs about 800 regions). Waits for every task before returning, even
     * when one fails, then rethrows the first failure.
     */
    private static void callerRuns(RecursiveAction[] tasks) {
        for (int c = 1; c < tasks.length; c++) {
            POOL.execute(tasks[c]);
        }
        Throwable failure = null;
        try {
            tasks[0].invoke();
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (int c = 1; c < tasks.length; c++) {
            try {
                tasks[c].join();
            } catch (RuntimeException | Error e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
    }

    /** A range of elements {@code [start, end)} (long: a tensor may hold more than 2^31). */
    @FunctionalInterface
    public interface LongRangeBody {
        void run(long start, long end);
    }

    /**
     * Runs {@code body} over {@code [0, n)} in blocks of {@code block} elements split across the pool
     * (one range on the calling thread when there is a single block): for streaming passes over large
     * buffers (optimizer updates, gradient scaling, clearing or copying memory).
     */
    public static void forBlocks(long n, int block, LongRangeBody body) {
        if (block < 1) {
            throw new IllegalArgumentException("block must be >= 1, got " + block);
        }
        long blocks = (n + block - 1) / block;
        if (blocks <= 1) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        if (blocks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(n + " elements in blocks of " + block + " are too many to split");
        }
        forRange((int) blocks, 4, (s, e) -> body.run((long) s * block, Math.min((long) e * block, n)));
    }

    private static boolean inPool() {
        return Thread.currentThread() instanceof java.util.concurrent.ForkJoinWorkerThread w && w.getPool() == POOL;
    }
}
