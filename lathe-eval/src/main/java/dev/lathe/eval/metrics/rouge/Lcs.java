package dev.lathe.eval.metrics.rouge;

import java.util.Arrays;
import java.util.BitSet;

/**
 * Longest common subsequences over token ids, as rouge-score computes them for ROUGE-L and
 * ROUGE-Lsum. Which of several longest subsequences is read out matters for the summary-level
 * union, so {@link #lcsIndices} walks the table back exactly as rouge-score's _backtrack_norec:
 * a match goes diagonally, otherwise left only when the left cell is strictly larger than the cell
 * above.
 */
final class Lcs {

    private Lcs() {
    }

    /** Length of an LCS of {@code ref} and {@code can}, in O(|can|) memory. */
    static int length(int[] ref, int[] can) {
        int cols = can.length;
        int[] prev = new int[cols + 1];
        int[] cur = new int[cols + 1];
        for (int i = 1; i <= ref.length; i++) {
            int r = ref[i - 1];
            for (int j = 1; j <= cols; j++) {
                cur[j] = r == can[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[cols];
    }

    /** The full (|ref|+1) x (|can|+1) table, row-major. */
    static int[] table(int[] ref, int[] can) {
        int rows = ref.length;
        int cols = can.length;
        int w = cols + 1;
        int[] t = new int[(rows + 1) * w];
        for (int i = 1; i <= rows; i++) {
            int r = ref[i - 1];
            for (int j = 1; j <= cols; j++) {
                t[i * w + j] = r == can[j - 1]
                        ? t[(i - 1) * w + j - 1] + 1
                        : Math.max(t[(i - 1) * w + j], t[i * w + j - 1]);
            }
        }
        return t;
    }

    /** Indices into {@code ref} of one LCS, ascending: the one rouge-score's lcs_ind returns. */
    static int[] lcsIndices(int[] ref, int[] can) {
        int[] t = table(ref, can);
        int w = can.length + 1;
        int i = ref.length;
        int j = can.length;
        int[] out = new int[t[i * w + j]];
        int k = out.length;
        while (i > 0 && j > 0) {
            if (ref[i - 1] == can[j - 1]) {
                out[--k] = i - 1;
                i--;
                j--;
            } else if (t[i * w + j - 1] > t[(i - 1) * w + j]) {
                j--;
            } else {
                i--;
            }
        }
        return out;
    }

    /**
     * Summary-level LCS hits (rouge-score's _summary_level_lcs before the division): for each
     * reference sentence in order, the union of its LCS index sets with every candidate sentence;
     * each token of the union counts once while both summaries still have an unused occurrence of
     * it (ROUGE-1.5.5's guard against double counting).
     *
     * @param vocabulary every token id is in [0, vocabulary)
     */
    static int summaryHits(int[][] refSents, int[][] canSents, int vocabulary) {
        int[] refLeft = new int[vocabulary];
        int[] canLeft = new int[vocabulary];
        for (int[] s : refSents) {
            for (int id : s) {
                refLeft[id]++;
            }
        }
        for (int[] s : canSents) {
            for (int id : s) {
                canLeft[id]++;
            }
        }
        int hits = 0;
        for (int[] r : refSents) {
            for (int id : unionLcs(r, canSents)) {
                if (canLeft[id] > 0 && refLeft[id] > 0) {
                    hits++;
                    canLeft[id]--;
                    refLeft[id]--;
                }
            }
        }
        return hits;
    }

    /**
     * The tokens of {@code ref} at the union of its LCS indices with each candidate sentence, in
     * the order of {@code ref} (rouge-score's _union_lcs).
     */
    static int[] unionLcs(int[] ref, int[][] canSents) {
        BitSet union = new BitSet(ref.length);
        for (int[] c : canSents) {
            for (int idx : lcsIndices(ref, c)) {
                union.set(idx);
            }
        }
        int[] out = new int[union.cardinality()];
        int k = 0;
        for (int idx = union.nextSetBit(0); idx >= 0; idx = union.nextSetBit(idx + 1)) {
            out[k++] = ref[idx];
        }
        return out;
    }

    /** Test hook: the table as rows, like rouge-score's _lcs_table. */
    static int[][] tableRows(int[] ref, int[] can) {
        int[] t = table(ref, can);
        int w = can.length + 1;
        int[][] rows = new int[ref.length + 1][];
        for (int i = 0; i <= ref.length; i++) {
            rows[i] = Arrays.copyOfRange(t, i * w, (i + 1) * w);
        }
        return rows;
    }
}
