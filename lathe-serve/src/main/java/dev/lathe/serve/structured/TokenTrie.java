package dev.lathe.serve.structured;

import java.util.Arrays;

/**
 * Every token's bytes in one prefix tree, flattened into arrays: node 0 is the root, a node's
 * children are the contiguous range {@code [firstChild, firstChild + childCount)} sorted by byte,
 * and the token ids ending at a node sit in {@code tokens[tokenStart[n] .. tokenStart[n + 1])}.
 * Tokens sharing a prefix share its walk, so masking costs one automaton step per trie edge reached
 * rather than one per byte of every token.
 */
final class TokenTrie {
    final int[] firstChild;
    final int[] childCount;
    final byte[] edge; // the byte leading into each node
    final int[] tokenStart;
    final int[] tokens;
    // Every id of a node's subtree is sortedIds[subtreeStart[n] .. subtreeEnd[n]) (ids sorted by bytes).
    final int[] sortedIds;
    final int[] subtreeStart;
    final int[] subtreeEnd;
    // Whether the edge into the node and every edge below it is a plain string byte (printable ASCII
    // other than '"' and '\\'): inside a JSON string such a subtree is allowed whole, without a walk.
    final boolean[] plainStringSubtree;

    private TokenTrie(int[] firstChild, int[] childCount, byte[] edge, int[] tokenStart, int[] tokens,
            int[] sortedIds, int[] subtreeStart, int[] subtreeEnd) {
        this.firstChild = firstChild;
        this.childCount = childCount;
        this.edge = edge;
        this.tokenStart = tokenStart;
        this.tokens = tokens;
        this.sortedIds = sortedIds;
        this.subtreeStart = subtreeStart;
        this.subtreeEnd = subtreeEnd;
        int nodes = firstChild.length;
        plainStringSubtree = new boolean[nodes];
        for (int n = nodes - 1; n > 0; n--) { // children come after their parent
            boolean plain = isPlainStringByte(edge[n] & 0xFF);
            for (int c = firstChild[n]; plain && c < firstChild[n] + childCount[n]; c++) {
                plain = plainStringSubtree[c];
            }
            plainStringSubtree[n] = plain;
        }
    }

    static boolean isPlainStringByte(int b) {
        return b >= 0x20 && b < 0x7F && b != '"' && b != '\\';
    }

    int nodes() {
        return firstChild.length;
    }

    /**
     * Built breadth-first over the ids sorted by their bytes: a node is a run of sorted ids sharing a
     * prefix of its depth; ids whose bytes end at that depth sort first in the run.
     */
    static TokenTrie build(byte[][] bytes) {
        int n = 0;
        for (byte[] b : bytes) {
            if (b != null) {
                n++;
            }
        }
        Integer[] boxed = new Integer[n];
        n = 0;
        for (int id = 0; id < bytes.length; id++) {
            if (bytes[id] != null) {
                boxed[n++] = id;
            }
        }
        Arrays.sort(boxed, (a, b) -> Arrays.compareUnsigned(bytes[a], bytes[b]));
        int[] ids = new int[n];
        int total = 1;
        for (int i = 0; i < n; i++) {
            ids[i] = boxed[i];
            total += bytes[ids[i]].length; // an upper bound on the node count
        }
        int[] lo = new int[total];
        int[] hi = new int[total];
        int[] depth = new int[total];
        int[] firstChild = new int[total];
        int[] childCount = new int[total];
        byte[] edge = new byte[total];
        int[] tokenStart = new int[total + 1];
        int[] tokens = new int[n];
        int tokenCount = 0;
        hi[0] = n;
        int nodes = 1;
        for (int node = 0; node < nodes; node++) {
            int i = lo[node];
            int end = hi[node];
            int d = depth[node];
            tokenStart[node] = tokenCount;
            while (i < end && bytes[ids[i]].length == d) {
                tokens[tokenCount++] = ids[i++];
            }
            firstChild[node] = nodes;
            while (i < end) {
                int b = bytes[ids[i]][d];
                int j = i;
                while (j < end && bytes[ids[j]][d] == b) {
                    j++;
                }
                lo[nodes] = i;
                hi[nodes] = j;
                depth[nodes] = d + 1;
                edge[nodes] = (byte) b;
                nodes++;
                childCount[node]++;
                i = j;
            }
        }
        tokenStart[nodes] = tokenCount;
        return new TokenTrie(Arrays.copyOf(firstChild, nodes), Arrays.copyOf(childCount, nodes),
                Arrays.copyOf(edge, nodes), Arrays.copyOf(tokenStart, nodes + 1), tokens, ids,
                Arrays.copyOf(lo, nodes), Arrays.copyOf(hi, nodes));
    }
}
