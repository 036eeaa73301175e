package dev.lathe.serve.structured;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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

    private TokenTrie(int[] firstChild, int[] childCount, byte[] edge, int[] tokenStart, int[] tokens) {
        this.firstChild = firstChild;
        this.childCount = childCount;
        this.edge = edge;
        this.tokenStart = tokenStart;
        this.tokens = tokens;
    }

    int nodes() {
        return firstChild.length;
    }

    static TokenTrie build(byte[][] bytes) {
        // Sort ids by their bytes; then a trie is built breadth-first from sorted runs.
        Integer[] order = new Integer[bytes.length];
        int n = 0;
        for (int id = 0; id < bytes.length; id++) {
            if (bytes[id] != null) {
                order[n++] = id;
            }
        }
        Integer[] ids = Arrays.copyOf(order, n);
        Arrays.sort(ids, (a, b) -> Arrays.compareUnsigned(bytes[a], bytes[b]));
        // Each work item: the range [lo, hi) of sorted ids sharing a prefix of length depth.
        List<int[]> ranges = new ArrayList<>(); // node -> {lo, hi, depth}
        ranges.add(new int[] {0, n, 0});
        List<Integer> firstChild = new ArrayList<>();
        List<Integer> childCount = new ArrayList<>();
        List<Byte> edge = new ArrayList<>();
        edge.add((byte) 0);
        int[] tokenStart = new int[1];
        List<Integer> tokenList = new ArrayList<>();
        List<int[]> ownTokens = new ArrayList<>();
        for (int node = 0; node < ranges.size(); node++) {
            int[] r = ranges.get(node);
            int lo = r[0];
            int hi = r[1];
            int depth = r[2];
            // Ids whose bytes end exactly here come first in sorted order.
            int i = lo;
            List<Integer> here = new ArrayList<>();
            while (i < hi && bytes[ids[i]].length == depth) {
                here.add(ids[i++]);
            }
            ownTokens.add(here.stream().mapToInt(Integer::intValue).toArray());
            firstChild.add(ranges.size());
            int children = 0;
            while (i < hi) {
                int b = bytes[ids[i]][depth] & 0xFF;
                int j = i;
                while (j < hi && (bytes[ids[j]][depth] & 0xFF) == b) {
                    j++;
                }
                ranges.add(new int[] {i, j, depth + 1});
                edge.add((byte) b);
                children++;
                i = j;
            }
            childCount.add(children);
        }
        int nodes = ranges.size();
        tokenStart = new int[nodes + 1];
        for (int node = 0; node < nodes; node++) {
            tokenStart[node + 1] = tokenStart[node] + ownTokens.get(node).length;
            for (int t : ownTokens.get(node)) {
                tokenList.add(t);
            }
        }
        byte[] edges = new byte[nodes];
        for (int k = 0; k < nodes; k++) {
            edges[k] = edge.get(k);
        }
        return new TokenTrie(firstChild.stream().mapToInt(Integer::intValue).toArray(),
                childCount.stream().mapToInt(Integer::intValue).toArray(), edges, tokenStart,
                tokenList.stream().mapToInt(Integer::intValue).toArray());
    }
}
