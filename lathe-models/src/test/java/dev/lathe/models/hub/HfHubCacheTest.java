package dev.lathe.models.hub;

import static dev.lathe.models.hub.HubTestRepos.COMMIT;
import static dev.lathe.models.hub.HubTestRepos.REPO;
import static dev.lathe.models.hub.HubTestRepos.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache without the network: offline mode, listing, unsafe server names, settings from the environment. */
class HfHubCacheTest {
    private static final ModelRef TINY = ModelRef.parse("hf:" + REPO);

    @TempDir
    Path tmp;
    private Path home;
    private FakeHub fake;

    @BeforeEach
    void start() throws IOException {
        home = Files.createDirectories(tmp.resolve("hf-home"));
        fake = new FakeHub();
        HubTestRepos.addTinyModel(fake);
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    private HfHub online() {
        return new HfHub(settings(home, fake, null, 0));
    }

    private HfHub offline() {
        return new HfHub(settings(home, fake, null, 0).withOffline(true));
    }

    @Test
    void offlineModeResolvesACachedSnapshotWithoutAnyRequest() throws IOException {
        Path downloaded = online().download(TINY, DownloadListener.none());
        fake.clearRequests();

        assertThat(offline().download(TINY, DownloadListener.none())).isEqualTo(downloaded);
        assertThat(offline().resolveOffline(TINY.withRevision(COMMIT))).isEqualTo(downloaded);
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void offlineModeNamesWhatIsMissing() throws IOException {
        assertThatThrownBy(() -> offline().download(TINY, DownloadListener.none()))
                .satisfies(HubTestRepos.hubError(HubException.Kind.NOT_IN_CACHE))
                .hasMessageContaining("HF_HUB_OFFLINE").hasMessageContaining("refs")
                .hasMessageContaining("main");

        Path snapshot = online().download(TINY, DownloadListener.none());
        Path blobs = home.resolve("hub/models--TestOrg--Tiny-Model/blobs");
        Files.delete(blobs.resolve(FakeHub.sha256(HubTestRepos.WEIGHTS)));

        assertThatThrownBy(() -> offline().resolveOffline(TINY))
                .hasMessageContaining("model.safetensors").hasMessageContaining(snapshot.toString());
        assertThatThrownBy(() -> offline().download(TINY, List.of("gguf/tiny-Q8_0.gguf"), DownloadListener.none()))
                .hasMessageContaining("gguf/tiny-Q8_0.gguf");
        assertThat(fake.requests()).noneMatch(r -> r.path().contains("gguf"));
    }

    @Test
    void anUnreachableHubFallsBackToACompleteCachedSnapshot() throws IOException {
        Path downloaded = online().download(TINY, DownloadListener.none());
        fake.close();

        assertThat(online().download(TINY, DownloadListener.none())).isEqualTo(downloaded);
        assertThatThrownBy(() -> online().download(ModelRef.parse("hf:TestOrg/Other"), DownloadListener.none()))
                .satisfies(HubTestRepos.hubError(HubException.Kind.NETWORK));
    }

    @Test
    void listCachedReportsRepositoriesRefsSnapshotsAndSizes() throws IOException {
        assertThat(online().listCached()).isEmpty();
        online().download(TINY, DownloadListener.none());

        List<CachedModel> cached = online().listCached();

        assertThat(cached).singleElement().satisfies(m -> {
            assertThat(m.repoId()).isEqualTo(REPO);
            assertThat(m.refs()).isEqualTo(Map.of("main", COMMIT));
            assertThat(m.snapshots()).containsExactly(COMMIT);
            assertThat(m.sizeOnDisk()).isGreaterThanOrEqualTo(HubTestRepos.WEIGHTS.length);
        });
    }

    @Test
    void unsafeNamesInTheFileListAreRejected() {
        fake.addListedName(REPO, "../../../evil.safetensors");
        assertThatThrownBy(() -> online().download(TINY, DownloadListener.none()))
                .satisfies(HubTestRepos.hubError(HubException.Kind.PROTOCOL))
                .hasMessageContaining("unsafe file '../../../evil.safetensors'");
        assertNothingEscaped();
    }

    @Test
    void unsafeShardNamesInTheIndexAreRejected() {
        fake.addFile(REPO, "model.safetensors.index.json",
                "{\"weight_map\": {\"w\": \"../../../../evil.safetensors\"}}".getBytes(StandardCharsets.UTF_8), false);
        assertThatThrownBy(() -> online().download(TINY, DownloadListener.none()))
                .satisfies(HubTestRepos.hubError(HubException.Kind.PROTOCOL))
                .hasMessageContaining("evil.safetensors");
        assertNothingEscaped();
    }

    @Test
    void unsafeEtagsAreRejected() {
        fake.overrideEtag("config.json", "../../../../evil");
        assertThatThrownBy(() -> online().download(TINY, DownloadListener.none()))
                .satisfies(HubTestRepos.hubError(HubException.Kind.PROTOCOL))
                .hasMessageContaining("ETag");
        assertNothingEscaped();
    }

    @Test
    void unsafeRequestedFileNamesAreRejectedBeforeAnyRequest() {
        for (String name : List.of("../x.gguf", "/etc/passwd", "a/../../b.gguf", "a\\..\\b.gguf", "C:x.gguf", "")) {
            assertThatThrownBy(() -> online().download(TINY, List.of(name), DownloadListener.none()))
                    .as(name).isInstanceOf(HubException.class);
        }
        assertThat(fake.requests()).isEmpty();
    }

    private void assertNothingEscaped() {
        try (Stream<Path> all = Files.walk(tmp)) {
            assertThat(all.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("evil"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void settingsFollowTheHuggingFaceEnvironmentVariables() throws IOException {
        HubSettings fromHome = HubSettings.fromEnvironment(Map.of("HF_HOME", "/data/hf", "HF_ENDPOINT",
                "http://mirror.local:8080/", "HF_TOKEN", "hf_abc", "HF_HUB_OFFLINE", "1"));
        assertThat(fromHome.cacheDir()).isEqualTo(Path.of("/data/hf/hub"));
        assertThat(fromHome.endpoint().toString()).isEqualTo("http://mirror.local:8080");
        assertThat(fromHome.token()).contains("hf_abc");
        assertThat(fromHome.offline()).isTrue();
        assertThat(fromHome.toString()).doesNotContain("hf_abc");

        HubSettings cacheWins = HubSettings.fromEnvironment(Map.of("HF_HOME", "/data/hf", "HF_HUB_CACHE", "/fast/cache",
                "HF_HUB_OFFLINE", "0"));
        assertThat(cacheWins.cacheDir()).isEqualTo(Path.of("/fast/cache"));
        assertThat(cacheWins.endpoint()).isEqualTo(HubSettings.DEFAULT_ENDPOINT);
        assertThat(cacheWins.offline()).isFalse();

        Files.writeString(home.resolve("token"), "hf_from_file\n");
        assertThat(HubSettings.fromEnvironment(Map.of("HF_HOME", home.toString())).token()).contains("hf_from_file");

        assertThat(HubSettings.fromEnvironment(Map.of("XDG_CACHE_HOME", "/xdg")).cacheDir())
                .isEqualTo(Path.of("/xdg/huggingface/hub"));
        assertThatThrownBy(() -> HubSettings.fromEnvironment(Map.of("HF_ENDPOINT", "ftp://x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ftp://x");
    }
}
