package dev.lathe.eval.metrics.rouge;

/**
 * One ROUGE measure by rouge-score's name: {@code rouge1} ... {@code rouge9} (n-gram overlap),
 * {@code rougeL} (longest common subsequence over the whole text) or {@code rougeLsum}
 * (summary-level LCS over sentences, the union-LCS of the ROUGE paper, section 3.2).
 */
public record RougeType(String name, Kind kind, int n) {

    /** How the measure matches tokens. */
    public enum Kind { NGRAM, LCS, LCS_SUM }

    public RougeType {
        if (name == null || kind == null) {
            throw new IllegalArgumentException("name and kind must not be null");
        }
    }

    /**
     * Parses rouge-score's name. As rouge-score, only one digit is accepted after "rouge" and it
     * must be positive ("rouge0", "rouge10" and "rougen" are errors).
     */
    public static RougeType parse(String name) {
        if (name == null) {
            throw new IllegalArgumentException("rouge type must not be null");
        }
        if (name.equals("rougeL")) {
            return new RougeType(name, Kind.LCS, 0);
        }
        if (name.equals("rougeLsum")) {
            return new RougeType(name, Kind.LCS_SUM, 0);
        }
        if (name.length() == 6 && name.startsWith("rouge") && name.charAt(5) >= '0'
                && name.charAt(5) <= '9') {
            int n = name.charAt(5) - '0';
            if (n <= 0) {
                throw new IllegalArgumentException("rougeN requires positive n, got rouge type '"
                        + name + "'");
            }
            return new RougeType(name, Kind.NGRAM, n);
        }
        throw new IllegalArgumentException("invalid rouge type '" + name
                + "': expected rouge1..rouge9, rougeL or rougeLsum");
    }
}
