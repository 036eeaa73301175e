package dev.lathe.engine.kernel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * The kernels' worker pool, sized once to the cores, or to {@code -Dlathe.threads=N} /
 * {@code LATHE_THREADS=N}. Work is split into contiguous ranges of at least {@code grain} items so
 * small problems stay on the calling thread.
 */
public final class Parallel {
    private static final int THREADS = configuredThreads();
    private static final ForkJoinPool POOL = THREADS > 1 ? new ForkJoinPool(THREADS) : null;

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

    /** Runs {@code body} over {@code [0, n)} split across the pool; each chunk has at least {@code grain} items. */
    public static void forRange(int n, int grain, RangeBody body) {
        forRange(n, grain, THREADS, body);
    }

    /** As {@link #forRange(int, int, RangeBody)} but with at most {@code maxThreads} chunks (1 = on this thread). */
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
            POOL.invoke(new RecursiveAction() {
                @Override
                protected void compute() {
                    invokeAll(tasks);
                }
            });
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
