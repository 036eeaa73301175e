package dev.lathe.models.hub;

import static dev.lathe.models.hub.HubTestRepos.COMMIT;
import static dev.lathe.models.hub.HubTestRepos.CONFIG;
import static dev.lathe.models.hub.HubTestRepos.REPO;
import static dev.lathe.models.hub.HubTestRepos.SHARDED;
import static dev.lathe.models.hub.HubTestRepos.SHARDED_COMMIT;
import static dev.lathe.models.hub.HubTestRepos.WEIGHTS;
import static dev.lathe.models.hub.HubTestRepos.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from a local fake hub: cache layout, no-op re-downloads, resume, retries, checksums, errors. */
class HfHubDownloadTest {
    private static final ModelRef TINY = ModelRef.parse("hf:" + REPO);

    @TempDir
    Path home;
    private FakeHub fake;

    @BeforeEach
    void start() throws IOException {
        fake = new FakeHub();
        HubTestRepos.addTinyModel(fake);
        HubTestRepos.addShardedModel(fake);
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    private HfHub hub(int retries) {
        return new HfHub(settings(home, fake, null, retries));
    }

    private Path repoDir() {
        return home.resolve("hub").resolve("models--TestOrg--Tiny-Model");
    }

    private List<FakeHub.Request> transfers() {
        return fake.requests().stream().filter(r -> r.method().equals("GET") && !r.path().startsWith("/api/")).toList();
    }

    @Test
    void aDownloadFillsTheStandardCacheLayoutWithRelativeSymlinks() throws IOException {
        Path snapshot = hub(0).download(TINY, DownloadListener.none());

        assertThat(snapshot).isEqualTo(repoDir().resolve("snapshots").resolve(COMMIT));
        assertThat(Files.readString(repoDir().resolve("refs/main"))).isEqualTo(COMMIT);
        String weightsEtag = FakeHub.sha256(WEIGHTS);
        assertThat(Files.readSymbolicLink(snapshot.resolve("model.safetensors")))
                .isEqualTo(Path.of("../../blobs/" + weightsEtag));
        assertThat(Files.readSymbolicLink(snapshot.resolve("config.json")))
                .isEqualTo(Path.of("../../blobs/" + FakeHub.gitBlobSha1(CONFIG)));
        assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(WEIGHTS);
        assertThat(Files.readAllBytes(snapshot.resolve("config.json"))).isEqualTo(CONFIG);
        try (Stream<Path> files = Files.list(snapshot)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("config.json", "tokenizer.json", "tokenizer_config.json",
                            "model.safetensors");
        }
        try (Stream<Path> blobs = Files.list(repoDir().resolve("blobs"))) {
            assertThat(blobs.map(p -> p.getFileName().toString())).hasSize(4).noneMatch(n -> n.endsWith(".incomplete"));
        }
    }

    @Test
    void aSecondDownloadTransfersNothing() throws IOException {
        hub(0).download(TINY, DownloadListener.none());
        fake.clearRequests();
        List<String> fromCache = new ArrayList<>();
        hub(0).download(TINY, new DownloadListener() {
            @Override
            public void fileFinished(String filename, long bytes, boolean cached) {
                if (cached) {
                    fromCache.add(filename);
                }
            }
        });

        assertThat(transfers()).isEmpty();
        assertThat(fake.requests()).extracting(FakeHub.Request::method).containsOnly("GET");
        assertThat(fromCache).hasSize(4);
    }

    @Test
    void aShardedModelFetchesOnlyTheShardsItsIndexNames() throws IOException {
        Path snapshot = hub(0).download(ModelRef.parse("hf:" + SHARDED), DownloadListener.none());

        assertThat(snapshot.getFileName().toString()).isEqualTo(SHARDED_COMMIT);
        assertThat(snapshot.resolve("model-00001-of-00002.safetensors")).isRegularFile();
        assertThat(snapshot.resolve("model-00002-of-00002.safetensors")).isRegularFile();
        assertThat(snapshot.resolve("consolidated.safetensors")).doesNotExist();
        assertThat(fake.requests()).noneMatch(r -> r.path().contains("consolidated"));
    }

    @Test
    void anInterruptedTransferResumesWithARangeRequestAndTheRightBytes() throws IOException {
        fake.dropNextTransfers.set(1);
        assertThatThrownBy(() -> hub(0).download(TINY, DownloadListener.none()))
                .satisfies(HubTestRepos.hubError(HubException.Kind.NETWORK));
        String etag = FakeHub.sha256(WEIGHTS);
        Path partial = repoDir().resolve("blobs").resolve(etag + ".incomplete");
        long have = Files.size(partial);
        assertThat(have).isGreaterThan(0).isLessThan(WEIGHTS.length);
        assertThat(repoDir().resolve("refs/main")).as("no ref to an incomplete snapshot").doesNotExist();
        fake.clearRequests();

        Path snapshot = hub(0).download(TINY, DownloadListener.none());

        assertThat(fake.requests())
                .anyMatch(r -> r.server().equals("cdn") && ("bytes=" + have + "-").equals(r.range()));
        assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(WEIGHTS);
        assertThat(partial).doesNotExist();
    }

    @Test
    void aFlakyConnectionIsRetriedAndResumedWithinOneDownload() throws IOException {
        fake.dropNextTransfers.set(2);
        fake.failNextWith503.set(1);
        List<String> retries = new ArrayList<>();
        Path snapshot = hub(4).download(TINY, new DownloadListener() {
            @Override
            public void retrying(String filename, int attempt, Duration wait, String reason) {
                retries.add(filename + ": " + reason);
            }
        });

        assertThat(retries).hasSize(3);
        assertThat(retries.getFirst()).contains("503");
        assertThat(fake.requests()).filteredOn(r -> r.range() != null).hasSize(2);
        assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(WEIGHTS);
    }

    @Test
    void aServerThatIgnoresRangeMakesTheTransferRestartCleanly() throws IOException {
        fake.rangeSupported = false;
        fake.dropNextTransfers.set(1);
        Path snapshot = hub(2).download(TINY, DownloadListener.none());

        assertThat(fake.requests()).anyMatch(r -> r.range() != null);
        assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(WEIGHTS);
    }

    @Test
    void aStalledTransferTimesOutAndResumes() throws IOException {
        fake.stallNextTransfers.set(1);
        HubSettings quick = settings(home, fake, null, 2)
                .withRetries(2, Duration.ofMillis(1), Duration.ofSeconds(5), Duration.ofMillis(200));
        Path snapshot = new HfHub(quick).download(TINY, DownloadListener.none());

        assertThat(fake.requests()).anyMatch(r -> r.range() != null);
        assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(WEIGHTS);
    }

    @Test
    void aChecksumMismatchFailsAndLeavesNoCorruptBlob() throws IOException {
        fake.corrupt(REPO, "model.safetensors");
        assertThatThrownBy(() -> hub(3).download(TINY, DownloadListener.none()))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.kind()).isEqualTo(HubException.Kind.CHECKSUM);
                    assertThat(e).hasMessageContaining("model.safetensors").hasMessageContaining("sha256")
                            .hasMessageContaining(FakeHub.sha256(WEIGHTS));
                });
        try (Stream<Path> blobs = Files.list(repoDir().resolve("blobs"))) {
            assertThat(blobs.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.startsWith(FakeHub.sha256(WEIGHTS)));
        }
        assertThat(repoDir().resolve("snapshots").resolve(COMMIT).resolve("model.safetensors")).doesNotExist();
    }

    @Test
    void aGatedRepositoryAsksForHfTokenAndTheTokenGoesOnlyToTheHub() throws IOException {
        fake.requiredToken = "hf_secret";
        assertThatThrownBy(() -> hub(0).download(TINY, DownloadListener.none()))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.kind()).isEqualTo(HubException.Kind.ACCESS_DENIED);
                    assertThat(e).hasMessageContaining("HF_TOKEN").hasMessageContaining(REPO)
                            .hasMessageContaining("401");
                });
        fake.clearRequests();

        Path snapshot = new HfHub(settings(home, fake, "hf_secret", 0)).download(TINY, DownloadListener.none());

        assertThat(snapshot.resolve("model.safetensors")).isRegularFile();
        assertThat(fake.requests()).filteredOn(r -> r.server().equals("hub")).isNotEmpty()
                .allMatch(r -> "Bearer hf_secret".equals(r.authorization()));
        assertThat(fake.requests()).filteredOn(r -> r.server().equals("cdn")).isNotEmpty()
                .allMatch(r -> r.authorization() == null);
    }

    @Test
    void aRefusedTokenIsReportedWithoutRevealingIt() {
        fake.requiredToken = "hf_right";
        assertThatThrownBy(() -> new HfHub(settings(home, fake, "hf_wrong", 0)).download(TINY, DownloadListener.none()))
                .satisfies(HubTestRepos.hubError(HubException.Kind.ACCESS_DENIED))
                .hasMessageContaining("HF_TOKEN was refused").hasMessageNotContaining("hf_wrong");
    }

    @Test
    void notFoundErrorsNameTheRepositoryRevisionOrFile() {
        assertThatThrownBy(() -> hub(0).download(ModelRef.parse("hf:TestOrg/Missing"), DownloadListener.none()))
                .satisfies(HubTestRepos.hubError(HubException.Kind.NOT_FOUND))
                .hasMessageContaining("repository TestOrg/Missing not found");
        assertThatThrownBy(() -> hub(0).download(TINY.withRevision("v9"), DownloadListener.none()))
                .hasMessageContaining("revision 'v9'").hasMessageContaining(REPO);
        assertThatThrownBy(() -> hub(0).download(TINY, List.of("nope.gguf"), DownloadListener.none()))
                .hasMessageContaining("file 'nope.gguf' not found").hasMessageContaining("gguf/tiny-Q8_0.gguf");
    }

    @Test
    void anExplicitGgufFileInASubfolderIsLinkedRelatively() throws IOException {
        Path file = hub(0).downloadFile(TINY, "gguf/tiny-Q8_0.gguf", DownloadListener.none());

        assertThat(file).isRegularFile().hasSize(5000);
        assertThat(Files.readSymbolicLink(file).toString())
                .isEqualTo("../../../blobs/" + fake.etagOf(REPO, "gguf/tiny-Q8_0.gguf"));
        assertThat(file.getParent().getParent().resolve("model.safetensors")).doesNotExist();
    }

    @Test
    void aRevisionWithASlashIsEncodedAndGetsItsOwnRef() throws IOException {
        fake.addBranch(REPO, "refs/pr/1");
        Path snapshot = hub(0).download(TINY.withRevision("refs/pr/1"), DownloadListener.none());

        assertThat(Files.readString(repoDir().resolve("refs/refs/pr/1"))).isEqualTo(COMMIT);
        assertThat(snapshot.resolve("config.json")).isRegularFile();
        assertThat(fake.requests())
                .anyMatch(r -> r.path().equals("/api/models/TestOrg/Tiny-Model/revision/refs%2Fpr%2F1"));
    }

    @Test
    void aModelWithoutSafetensorsPointsAtItsGgufFiles() throws IOException {
        fake.addRepo("TestOrg/OnlyGguf", COMMIT);
        fake.addFile("TestOrg/OnlyGguf", "config.json", CONFIG, false);
        fake.addFile("TestOrg/OnlyGguf", "m-Q4_0.gguf", HubTestRepos.bytes(100, 9), true);
        assertThatThrownBy(() -> hub(0).download(ModelRef.parse("hf:TestOrg/OnlyGguf"), DownloadListener.none()))
                .hasMessageContaining("no .safetensors").hasMessageContaining("m-Q4_0.gguf");
    }

    @Test
    void aRenamedRepositoryIsFollowedAndCachedUnderTheRequestedName() throws IOException {
        fake.rename("OldOrg/Tiny-Model", REPO);
        Path snapshot = hub(0).download(ModelRef.parse("hf:OldOrg/Tiny-Model"), DownloadListener.none());

        assertThat(snapshot).isEqualTo(home.resolve("hub/models--OldOrg--Tiny-Model/snapshots").resolve(COMMIT));
        assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(WEIGHTS);
    }

    @Test
    void concurrentDownloadsOfOneModelShareTheBlobsSafely() throws Exception {
        try (var pool = Executors.newFixedThreadPool(3)) {
            List<Future<Path>> results = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                results.add(pool.submit(() -> hub(0).download(TINY, DownloadListener.none())));
            }
            for (Future<Path> r : results) {
                assertThat(Files.readAllBytes(r.get().resolve("model.safetensors"))).isEqualTo(WEIGHTS);
            }
        }
        assertThat(fake.requests()).filteredOn(r -> r.server().equals("cdn")).hasSize(1);
    }
}
