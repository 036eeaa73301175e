package dev.lathe.tune.data.split;

import dev.lathe.tune.data.Example;
import dev.lathe.tune.data.clean.NearDuplicates;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Splits records into train, validation and test. Records are first grouped (exact duplicates of
 * the joined text, and near duplicates when configured) and whole groups are assigned, so a
 * duplicate never sits in train and test at once. With stratification, each label's groups (a
 * group's label is its first record's) are split separately, so every split keeps the label
 * proportions up to rounding. Within a stratum, targets are the fractions of its size rounded by
 * largest remainder; groups are shuffled with the seed and each goes to the split furthest below
 * its target. The same records, config and seed always give the same splits.
 */
public final class Splitter {
    private Splitter() {}

    public static Splits split(List<Example> records, SplitConfig config) {
        int n = records.size();
        int[] group = groups(records, config.nearDuplicates());
        boolean stratify = config.stratify() != null ? config.stratify()
                : n > 0 && records.stream().allMatch(e -> e.label() != null);
        if (stratify && records.stream().anyMatch(e -> e.label() == null)) {
            throw new IllegalArgumentException("stratify: record " + records.stream().filter(e -> e.label() == null)
                    .findFirst().orElseThrow().origin() + " has no label");
        }
        // groups by root, in first-appearance order; strata by label, sorted for determinism
        Map<Integer, List<Integer>> members = new java.util.LinkedHashMap<>();
        for (int i = 0; i < n; i++) members.computeIfAbsent(group[i], k -> new ArrayList<>()).add(i);
        TreeMap<String, List<List<Integer>>> strata = new TreeMap<>();
        for (List<Integer> g : members.values()) {
            String key = stratify ? records.get(g.getFirst()).label() : "";
            strata.computeIfAbsent(key, k -> new ArrayList<>()).add(g);
        }
        Random rnd = new Random(config.seed());
        int[] assigned = new int[n];
        for (List<List<Integer>> groups : strata.values()) {
            int size = groups.stream().mapToInt(List::size).sum();
            int[] target = targets(size, config.fractions());
            int[] count = new int[3];
            Collections.shuffle(groups, rnd);
            for (List<Integer> g : groups) {
                int best = 0;
                for (int s = 1; s < 3; s++) if (target[s] - count[s] > target[best] - count[best]) best = s;
                count[best] += g.size();
                for (int i : g) assigned[i] = best;
            }
        }
        List<List<Example>> out = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < n; i++) out.get(assigned[i]).add(records.get(i));
        return new Splits(out.get(0), out.get(1), out.get(2), stratify, members.size());
    }

    /** Largest-remainder rounding of fractions of {@code size}; ties go to the earlier split. */
    static int[] targets(int size, double[] fractions) {
        int[] t = new int[fractions.length];
        double[] rem = new double[fractions.length];
        int sum = 0;
        for (int i = 0; i < t.length; i++) {
            double exact = fractions[i] * size;
            t[i] = (int) Math.floor(exact + 1e-9);
            rem[i] = exact - t[i];
            sum += t[i];
        }
        while (sum < size) {
            int best = -1;
            for (int i = 0; i < t.length; i++) if (fractions[i] > 0 && (best < 0 || rem[i] > rem[best])) best = i;
            t[best]++;
            rem[best] = -1;
            sum++;
        }
        return t;
    }

    /** group[i] = the first index of i's duplicate group (union of near-duplicate clusters and equal texts). */
    static int[] groups(List<Example> records, NearDuplicates.Config near) {
        int n = records.size();
        List<String> texts = records.stream().map(Example::joinedText).toList();
        int[] parent = near != null ? new NearDuplicates(near).groups(texts) : identity(n);
        Map<String, Integer> firstByText = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Integer first = firstByText.putIfAbsent(texts.get(i), i);
            if (first != null) {
                int ra = find(parent, first), rb = find(parent, i);
                if (ra < rb) parent[rb] = ra;
                else if (rb < ra) parent[ra] = rb;
            }
        }
        int[] group = new int[n];
        for (int i = 0; i < n; i++) group[i] = find(parent, i);
        return group;
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) i = parent[i];
        return i;
    }

    private static int[] identity(int n) {
        int[] g = new int[n];
        for (int i = 0; i < n; i++) g[i] = i;
        return g;
    }
}
