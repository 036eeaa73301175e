package dev.lathe.serve;

import dev.lathe.engine.testing.BundledModels;
import dev.lathe.models.load.ModelLoader;
import dev.lathe.models.load.ModelSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real server on a free loopback port serving the small real model TinyStories-656K (from lathe-models'
 * test resources, in the repository) as {@code tiny}, with its access log kept for assertions.
 */
public final class TestServer implements AutoCloseable {
    public static final Path TINY_STORIES = BundledModels.tinyStories656K();
    public static final String MODEL = "tiny";

    public final LatheServer server;
    public final List<String> accessLog = new CopyOnWriteArrayList<>();
    public final List<String> log = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    public TestServer(ServerConfig config) throws IOException {
        this(config, null);
    }

    public TestServer(ServerConfig config, Path configFile) throws IOException {
        server = LatheServer.start(config, configFile, spec -> ModelLoader.loadFolder(((ModelSpec.HfFolder) spec).dir()),
                log::add, accessLog::add);
    }

    private static TestServer shared;

    /**
     * One loopback server without keys shared by the test classes that need nothing special, so the model
     * loads and warms up once per test JVM; it stops when the JVM exits.
     */
    public static synchronized TestServer shared() throws IOException {
        if (shared == null) {
            shared = new TestServer(tinyConfig());
            TestServer s = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(s::close));
        }
        return shared;
    }

    /** A loopback config serving TinyStories as {@value #MODEL}, port 0. */
    public static ServerConfig tinyConfig() {
        return ServerConfig.defaults().withOverrides(null, 0, null, null)
                .with(List.of(new ServerConfig.ModelEntry(MODEL, TINY_STORIES.toString(), null)), List.of());
    }

    public String url() {
        return server.url();
    }

    public HttpResponse<String> post(String path, String json, String... headers) throws IOException,
            InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path))
                .POST(HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).GET();
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        server.close();
    }
}
