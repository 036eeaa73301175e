package dev.lathe.models.format.gguf;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Derives BPE merges from a SentencePiece BPE vocabulary with scores. SentencePiece (and llama2.c's
 * encoder) repeatedly merges the adjacent pair whose concatenation is the vocabulary piece of highest
 * score; a rank-ordered merge list gives the same result when every split of every piece into two
 * pieces is a merge, ranked by the merged piece's score (highest first). The splits of one piece are
 * ordered by the ids of their left, then right halves; ties of score keep vocabulary order.
 */
final class SentencePieceMerges {
    private SentencePieceMerges() {}

    private record Merge(String left, String right, float score, int leftId, int rightId, int order) {}

    static List<String> fromScores(List<String> pieces, float[] scores) {
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < pieces.size(); i++) {
            ids.putIfAbsent(pieces.get(i), i);
        }
        List<Merge> merges = new ArrayList<>();
        for (int id = 0; id < pieces.size(); id++) {
            String piece = pieces.get(id);
            if (ids.get(piece) != id) {
                continue; // a duplicate piece: the first id wins, as in the vocabulary
            }
            float score = scores == null ? -id : scores[id];
            List<Merge> local = new ArrayList<>();
            // Split between code points, never inside a surrogate pair.
            for (int at = piece.offsetByCodePoints(0, 1); at < piece.length(); at = piece.offsetByCodePoints(at, 1)) {
                Integer l = ids.get(piece.substring(0, at));
                Integer r = ids.get(piece.substring(at));
                if (l != null && r != null) {
                    local.add(new Merge(piece.substring(0, at), piece.substring(at), score, l, r, 0));
                }
            }
            local.sort(Comparator.comparingInt(Merge::leftId).thenComparingInt(Merge::rightId));
            for (Merge m : local) {
                merges.add(new Merge(m.left, m.right, m.score, m.leftId, m.rightId, merges.size()));
            }
        }
        // Stable: highest score first, then the order built above.
        merges.sort(Comparator.comparingDouble((Merge m) -> -m.score).thenComparingInt(Merge::order));
        List<String> out = new ArrayList<>(merges.size());
        for (Merge m : merges) {
            out.add(m.left + " " + m.right);
        }
        return out;
    }
}
