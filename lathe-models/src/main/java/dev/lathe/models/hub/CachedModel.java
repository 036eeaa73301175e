package dev.lathe.models.hub;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One repository found in the hub cache.
 *
 * @param repoId {@code Org/Name}
 * @param folder its {@code models--Org--Name} folder
 * @param refs revision name to commit sha, from {@code refs/}
 * @param snapshots commit shas with a {@code snapshots/} folder, sorted
 * @param sizeOnDisk bytes held in {@code blobs/} (partial downloads included)
 */
public record CachedModel(String repoId, Path folder, Map<String, String> refs, List<String> snapshots,
        long sizeOnDisk) {
    public CachedModel {
        refs = Map.copyOf(refs);
        snapshots = List.copyOf(snapshots);
    }
}
