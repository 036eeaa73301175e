package dev.lathe.models.hub;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The Hugging Face hub, seen from Lathe: turns {@code hf:Org/Name@revision} into a local snapshot
 * folder holding the files a model needs, in the cache Python's {@code huggingface_hub} shares.
 * <pre>{@code
 * HfHub hub = HfHub.fromEnvironment();
 * Path snapshot = hub.download(ModelRef.parse("hf:Org/Name@main"), DownloadListener.console());
 * }</pre>
 * A download pins the revision to a commit, fetches each missing file (resumable, checksummed,
 * retried with backoff), links it into {@code snapshots/<commit>/}, and only then moves the
 * revision's ref to that commit, so a ref always names a complete snapshot. Files already cached
 * are not transferred again. With {@code HF_HUB_OFFLINE=1} only the cache is read.
 */
public final class HfHub {
    private final HubSettings settings;
    private final HubCache cache;
    private final HubHttp http;
    private final BlobDownloader blobs;

    public HfHub(HubSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.cache = new HubCache(settings.cacheDir());
        this.http = new HubHttp(settings);
        this.blobs = new BlobDownloader(http, cache);
    }

    /** A hub configured from HF_HOME, HF_HUB_CACHE, HF_ENDPOINT, HF_TOKEN and HF_HUB_OFFLINE. */
    public static HfHub fromEnvironment() {
        return new HfHub(HubSettings.fromEnvironment());
    }

    public HubSettings settings() {
        return settings;
    }

    /** The cache folder ({@code .../huggingface/hub}). */
    public Path cacheDir() {
        return cache.root();
    }

    /**
     * The snapshot folder of {@code ref} with the model's files: configuration, tokenizer and
     * safetensors weights (see {@link #download(ModelRef, List, DownloadListener)} for others).
     * Offline, the same as {@link #resolveOffline}. When the hub cannot be reached at all, a complete
     * cached snapshot of the revision is returned instead.
     *
     * @throws HubException naming the repository, revision or file that is missing, refused or corrupt
     */
    public Path download(ModelRef ref, DownloadListener listener) throws IOException {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(listener, "listener");
        if (settings.offline()) {
            return resolveOffline(ref);
        }
        HubHttp.RepoInfo info = repoInfoOrCache(ref, listener);
        if (info == null) {
            return resolveOffline(ref);
        }
        List<String> metadata = ModelFiles.metadata(info.files());
        for (String file : metadata) {
            fetch(ref, info.commit(), file, listener);
        }
        JsonNode index = null;
        if (metadata.contains(ModelFiles.SAFETENSORS_INDEX)) {
            index = HubCache.readJson(cache.snapshotFile(ref, info.commit(), ModelFiles.SAFETENSORS_INDEX));
        }
        for (String file : ModelFiles.weights(ref, info.files(), index)) {
            fetch(ref, info.commit(), file, listener);
        }
        cache.writeRef(ref, info.commit());
        return cache.snapshotDir(ref, info.commit());
    }

    /**
     * The snapshot folder of {@code ref} holding exactly the named files (e.g. one {@code .gguf}
     * quantisation), each checked to exist in the revision first.
     */
    public Path download(ModelRef ref, List<String> filenames, DownloadListener listener) throws IOException {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(listener, "listener");
        if (filenames.isEmpty()) {
            throw new IllegalArgumentException("filenames must name at least one file of " + ref);
        }
        for (String f : filenames) {
            HubNames.checkFilename(f, "the request for " + ref);
        }
        if (settings.offline()) {
            return resolveOffline(ref, filenames);
        }
        HubHttp.RepoInfo info = repoInfoOrCache(ref, listener);
        if (info == null) {
            return resolveOffline(ref, filenames);
        }
        for (String f : filenames) {
            if (!info.files().contains(f)) {
                throw new HubException(HubException.Kind.NOT_FOUND, "file '" + f + "' not found in " + ref.repoId()
                        + " at revision '" + ref.revision() + "'; it has: " + preview(info.files()));
            }
        }
        for (String f : filenames) {
            fetch(ref, info.commit(), f, listener);
        }
        cache.writeRef(ref, info.commit());
        return cache.snapshotDir(ref, info.commit());
    }

    /** The local path of one file of {@code ref}, downloading it when missing. */
    public Path downloadFile(ModelRef ref, String filename, DownloadListener listener) throws IOException {
        Path snapshot = download(ref, List.of(filename), listener);
        return snapshot.resolve(filename);
    }

    /**
     * The cached, complete snapshot of {@code ref}, without touching the network.
     *
     * @throws HubException (NOT_IN_CACHE) naming what is missing: the ref, the snapshot or its files
     */
    public Path resolveOffline(ModelRef ref) throws IOException {
        Path snapshot = offlineSnapshot(ref);
        List<String> missing = cache.missingFromSnapshot(snapshot);
        if (!missing.isEmpty()) {
            throw notInCache(ref, "snapshot " + snapshot + " is incomplete; missing: " + String.join(", ", missing));
        }
        return snapshot;
    }

    /** The cached snapshot of {@code ref} holding the named files, without touching the network. */
    public Path resolveOffline(ModelRef ref, List<String> filenames) throws IOException {
        Path snapshot = offlineSnapshot(ref);
        List<String> missing = new ArrayList<>();
        for (String f : filenames) {
            if (!HubCache.isPresent(cache.snapshotFile(ref, snapshot.getFileName().toString(), f))) {
                missing.add(f);
            }
        }
        if (!missing.isEmpty()) {
            throw notInCache(ref, "snapshot " + snapshot + " lacks " + String.join(", ", missing));
        }
        return snapshot;
    }

    /** Every repository in the cache, with its refs, snapshots and blob bytes. */
    public List<CachedModel> listCached() throws IOException {
        return cache.list();
    }

    private Path offlineSnapshot(ModelRef ref) throws IOException {
        Optional<String> commit = cache.commitFor(ref);
        if (commit.isEmpty()) {
            throw notInCache(ref, "the cache has no ref '" + ref.revision() + "' ("
                    + cache.repoDir(ref).resolve("refs").resolve(ref.revision()) + " is missing)");
        }
        Path snapshot = cache.snapshotDir(ref, commit.get());
        if (!Files.isDirectory(snapshot)) {
            throw notInCache(ref, "the snapshot folder " + snapshot + " is missing");
        }
        return snapshot;
    }

    private HubException notInCache(ModelRef ref, String what) {
        String why = settings.offline() ? "HF_HUB_OFFLINE is set, so only the cache is used"
                : "the hub could not be reached";
        return new HubException(HubException.Kind.NOT_IN_CACHE, ref + " is not available: " + why + ", and " + what
                + "; download it once while online (cache: " + cache.root() + ")");
    }

    /** The revision's listing, or null when the network is down but the cache can answer. */
    private HubHttp.RepoInfo repoInfoOrCache(ModelRef ref, DownloadListener listener) throws IOException {
        try {
            return withRetries(ref, "file list", listener, () -> http.repoInfo(ref));
        } catch (HubException e) {
            if (e.kind() == HubException.Kind.NETWORK && cache.commitFor(ref).isPresent()) {
                return null;
            }
            throw e;
        }
    }

    /** Ensures {@code filename} of {@code commit} is linked into the snapshot, transferring it if needed. */
    private void fetch(ModelRef ref, String commit, String filename, DownloadListener listener) throws IOException {
        Path file = cache.snapshotFile(ref, commit, filename);
        if (HubCache.isPresent(file)) {
            listener.fileFinished(filename, Files.size(file), true);
            return;
        }
        ModelRef pinned = ref.withRevision(commit);
        withRetries(ref, filename, listener, () -> {
            HubHttp.FileMetadata meta = http.metadata(pinned, commit, filename);
            if (!meta.commit().equals(commit)) {
                throw new HubException(HubException.Kind.PROTOCOL, ref.repoId() + " " + filename
                        + ": asked for commit " + commit + " but the hub answered with " + meta.commit());
            }
            try (HubCache.BlobLock lock = cache.lockBlob(ref, meta.etag())) {
                // Another snapshot, process or thread may have brought the same content already.
                if (Files.isRegularFile(cache.blob(ref, meta.etag()))) {
                    listener.fileFinished(filename, Files.size(cache.blob(ref, meta.etag())), true);
                } else {
                    blobs.transfer(ref, filename, meta, listener);
                }
                cache.link(ref, commit, filename, meta.etag());
            }
            return null;
        });
    }

    private interface HubCall<T> {
        T call() throws IOException;
    }

    /** Runs {@code call}, retrying network failures and 5xx answers with exponential backoff. */
    private <T> T withRetries(ModelRef ref, String what, DownloadListener listener, HubCall<T> call)
            throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.call();
            } catch (HubException e) {
                throw e;
            } catch (IOException e) {
                String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                if (attempt > settings.maxRetries()) {
                    throw new HubException(HubException.Kind.NETWORK, ref + " " + what + ": " + reason
                            + " (gave up after " + attempt + (attempt == 1 ? " try" : " tries") + "; is "
                            + settings.endpoint() + " reachable? Set HF_HUB_OFFLINE=1 to use the cache only)", e);
                }
                Duration wait = HubHttp.backoff(settings, attempt);
                listener.retrying(what, attempt, wait, reason);
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new HubException(HubException.Kind.NETWORK, "interrupted while retrying " + what, ie);
                }
            }
        }
    }

    private static String preview(java.util.Set<String> files) {
        List<String> names = new ArrayList<>(files);
        names.sort(null);
        return names.size() <= 20 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 20)) + " ... (" + names.size() + " files)";
    }
}
