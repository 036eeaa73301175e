package dev.lathe.models.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for the Hugging Face hub on two loopback ports, speaking the protocol the client
 * uses: the {@code api/models} file list, {@code resolve} with ETag / X-Repo-Commit / X-Linked-Etag /
 * X-Linked-Size headers, LFS files redirected to a second "CDN" server, and Range requests. Switches
 * make it misbehave: Range ignored, connections dropped halfway, stalls, gated (401), corrupt bodies,
 * unsafe names.
 */
final class FakeHub implements AutoCloseable {
    /** One recorded request: which server, method, raw path, Range and Authorization headers. */
    record Request(String server, String method, String path, String range, String authorization) {
    }

    private record StoredFile(byte[] content, boolean lfs, String etag) {
    }

    private static final class Repo {
        final Map<String, String> branches = new ConcurrentHashMap<>();
        final Map<String, StoredFile> files = Collections.synchronizedMap(new LinkedHashMap<>());
        final List<String> extraSiblings = new ArrayList<>();
        String commit;
    }

    private final HttpServer hub;
    private final HttpServer cdn;
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final Map<String, String> renamed = new ConcurrentHashMap<>();
    private final Map<String, byte[]> cdnBlobs = new ConcurrentHashMap<>();
    private final Map<String, byte[]> corruptBlobs = new ConcurrentHashMap<>();
    private final Map<String, String> etagOverrides = new ConcurrentHashMap<>();
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());

    volatile boolean rangeSupported = true;
    /** The next this-many body transfers send half their bytes, then drop the connection. */
    final AtomicInteger dropNextTransfers = new AtomicInteger();
    /** The next this-many body transfers send half their bytes, then stall for a second. */
    final AtomicInteger stallNextTransfers = new AtomicInteger();
    /** The next this-many hub requests answer 503. */
    final AtomicInteger failNextWith503 = new AtomicInteger();
    /** When set, the repository is gated: the hub answers 401 unless this Bearer token is sent. */
    volatile String requiredToken;

    FakeHub() throws IOException {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        hub = HttpServer.create(loopback, 0);
        cdn = HttpServer.create(loopback, 0);
        hub.createContext("/", this::handleHub);
        cdn.createContext("/", this::handleCdn);
        hub.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        cdn.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        hub.start();
        cdn.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + hub.getAddress().getPort();
    }

    String cdnBase() {
        return "http://127.0.0.1:" + cdn.getAddress().getPort();
    }

    /** Adds (or replaces) a repository with branch {@code main} at {@code commit}. */
    void addRepo(String repoId, String commit) {
        Repo r = new Repo();
        r.commit = commit;
        r.branches.put("main", commit);
        repos.put(repoId, r);
    }

    /** Requests for {@code oldId} are redirected (307, relative Location) to {@code newId}. */
    void rename(String oldId, String newId) {
        renamed.put(oldId, newId);
    }

    void addBranch(String repoId, String branch) {
        Repo r = repos.get(repoId);
        r.branches.put(branch, r.commit);
    }

    /** Adds a file; {@code lfs} files are named by sha256 and served from the CDN. */
    void addFile(String repoId, String name, byte[] content, boolean lfs) {
        String etag = lfs ? sha256(content) : gitBlobSha1(content);
        repos.get(repoId).files.put(name, new StoredFile(content, lfs, etag));
        if (lfs) {
            cdnBlobs.put(etag, content);
        }
    }

    /** Lists a name in the file list that the server will not serve (for unsafe-name tests). */
    void addListedName(String repoId, String name) {
        repos.get(repoId).extraSiblings.add(name);
    }

    /** The CDN serves these bytes for {@code filename} while the headers still promise the original sha256. */
    void corrupt(String repoId, String filename) {
        StoredFile f = repos.get(repoId).files.get(filename);
        byte[] bad = f.content().clone();
        bad[bad.length / 2] ^= 0x5A;
        corruptBlobs.put(f.etag(), bad);
    }

    void overrideEtag(String filename, String etag) {
        etagOverrides.put(filename, etag);
    }

    String etagOf(String repoId, String filename) {
        return repos.get(repoId).files.get(filename).etag();
    }

    List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    void clearRequests() {
        requests.clear();
    }

    @Override
    public void close() {
        hub.stop(0);
        cdn.stop(0);
    }

    static String sha256(byte[] content) {
        return hex("SHA-256", null, content);
    }

    static String gitBlobSha1(byte[] content) {
        return hex("SHA-1", ("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII), content);
    }

    private static String hex(String algorithm, byte[] prefix, byte[] content) {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            if (prefix != null) {
                md.update(prefix);
            }
            return HexFormat.of().formatHex(md.digest(content));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void record(String server, HttpExchange ex) {
        requests.add(new Request(server, ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
                ex.getRequestHeaders().getFirst("Range"), ex.getRequestHeaders().getFirst("Authorization")));
    }

    private void handleHub(HttpExchange ex) throws IOException {
        try (ex) {
            record("hub", ex);
            if (failNextWith503.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                sendEmpty(ex, 503, null);
                return;
            }
            String[] seg = ex.getRequestURI().getRawPath().substring(1).split("/", -1);
            for (int i = 0; i < seg.length; i++) {
                seg[i] = URLDecoder.decode(seg[i], StandardCharsets.UTF_8);
            }
            boolean api = seg.length == 6 && seg[0].equals("api") && seg[1].equals("models")
                    && seg[4].equals("revision");
            boolean resolve = seg.length >= 5 && seg[2].equals("resolve");
            if (!api && !resolve) {
                sendEmpty(ex, 404, null);
                return;
            }
            String repoId = api ? seg[2] + "/" + seg[3] : seg[0] + "/" + seg[1];
            String newId = renamed.get(repoId);
            if (newId != null) {
                String raw = ex.getRequestURI().getRawPath();
                ex.getResponseHeaders().set("Location", raw.replace("/" + repoId + "/", "/" + newId + "/"));
                sendEmpty(ex, 307, null);
                return;
            }
            Repo repo = repos.get(repoId);
            if (repo == null) {
                sendEmpty(ex, 404, "RepoNotFound");
                return;
            }
            String token = requiredToken;
            if (token != null && !("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                sendEmpty(ex, 401, "GatedRepo");
                return;
            }
            String revision = api ? seg[5] : seg[3];
            String commit = repo.branches.getOrDefault(revision, revision.equals(repo.commit) ? repo.commit : null);
            if (commit == null) {
                sendEmpty(ex, 404, "RevisionNotFound");
                return;
            }
            if (api) {
                sendFileList(ex, repo);
                return;
            }
            String filename = String.join("/", Arrays.copyOfRange(seg, 4, seg.length));
            StoredFile file = repo.files.get(filename);
            if (file == null) {
                sendEmpty(ex, 404, "EntryNotFound");
                return;
            }
            ex.getResponseHeaders().set("X-Repo-Commit", commit);
            String etag = etagOverrides.getOrDefault(filename, file.etag());
            if (file.lfs()) {
                ex.getResponseHeaders().set("X-Linked-Etag", "\"" + etag + "\"");
                ex.getResponseHeaders().set("X-Linked-Size", Long.toString(file.content().length));
                ex.getResponseHeaders().set("ETag", "\"" + gitBlobSha1(etag.getBytes(StandardCharsets.UTF_8)) + "\"");
                ex.getResponseHeaders().set("Location", cdnBase() + "/blobs/" + file.etag() + "?signature=secret");
                ex.sendResponseHeaders(302, -1);
            } else {
                ex.getResponseHeaders().set("ETag", "\"" + etag + "\"");
                sendBody(ex, file.content(), false);
            }
        }
    }

    private void handleCdn(HttpExchange ex) throws IOException {
        try (ex) {
            record("cdn", ex);
            String path = ex.getRequestURI().getRawPath();
            String sha = path.startsWith("/blobs/") ? path.substring("/blobs/".length()) : "";
            byte[] content = corruptBlobs.getOrDefault(sha, cdnBlobs.get(sha));
            if (content == null) {
                sendEmpty(ex, 404, null);
                return;
            }
            sendBody(ex, content, true);
        }
    }

    private void sendFileList(HttpExchange ex, Repo repo) throws IOException {
        StringBuilder json = new StringBuilder("{\"sha\":\"" + repo.commit + "\",\"siblings\":[");
        List<String> names = new ArrayList<>(repo.files.keySet());
        names.addAll(repo.extraSiblings);
        for (int i = 0; i < names.size(); i++) {
            json.append(i > 0 ? "," : "").append("{\"rfilename\":\"").append(names.get(i).replace("\\", "\\\\"))
                    .append("\"}");
        }
        json.append("]}");
        ex.getResponseHeaders().set("Content-Type", "application/json");
        sendBody(ex, json.toString().getBytes(StandardCharsets.UTF_8), false);
    }

    /**
     * Answers with {@code content}, honouring {@code Range: bytes=N-} when Range support is on; only
     * CDN transfers ({@code misbehave}) obey the drop and stall switches.
     */
    private void sendBody(HttpExchange ex, byte[] content, boolean misbehave) throws IOException {
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseHeaders().set("Content-Length", Integer.toString(content.length));
            ex.sendResponseHeaders(200, -1);
            return;
        }
        int start = 0;
        String range = ex.getRequestHeaders().getFirst("Range");
        if (rangeSupported && range != null && range.startsWith("bytes=") && range.endsWith("-")) {
            start = Integer.parseInt(range.substring(6, range.length() - 1));
            if (start >= content.length) {
                ex.getResponseHeaders().set("Content-Range", "bytes */" + content.length);
                ex.sendResponseHeaders(416, -1);
                return;
            }
            ex.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + (content.length - 1) + "/"
                    + content.length);
        }
        int length = content.length - start;
        ex.sendResponseHeaders(start > 0 ? 206 : 200, length);
        OutputStream out = ex.getResponseBody();
        boolean drop = misbehave && dropNextTransfers.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        boolean stall = misbehave && !drop && stallNextTransfers.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        if (drop || stall) {
            out.write(content, start, length / 2);
            out.flush();
            if (stall) {
                sleep(1000);
            }
            // Closing short of the announced length drops the connection.
            return;
        }
        out.write(content, start, length);
    }

    private static void sendEmpty(HttpExchange ex, int status, String errorCode) throws IOException {
        if (errorCode != null) {
            ex.getResponseHeaders().set("X-Error-Code", errorCode);
        }
        ex.sendResponseHeaders(status, -1);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
