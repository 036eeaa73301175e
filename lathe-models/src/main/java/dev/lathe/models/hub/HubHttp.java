package dev.lathe.models.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The hub's HTTP protocol, as {@code huggingface_hub} speaks it:
 * <ul>
 *   <li>{@code GET {endpoint}/api/models/{repo}/revision/{revision}}: the commit sha ({@code sha}) and
 *       the file list ({@code siblings[].rfilename}) of a revision;</li>
 *   <li>{@code HEAD {endpoint}/{repo}/resolve/{revision}/{file}}: {@code X-Repo-Commit}, the blob name
 *       ({@code X-Linked-Etag} for LFS files, the sha256 of the content, else {@code ETag}), the size
 *       ({@code X-Linked-Size} or {@code Content-Length}) and, for LFS files, a redirect to a CDN;</li>
 *   <li>{@code GET} of that location, with {@code Range} to resume.</li>
 * </ul>
 * Relative redirects (renamed repositories) are followed on the hub; the token is sent only to the
 * hub's own host, never to the CDN. Errors become {@link HubException}s that say what to do.
 */
final class HubHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REDIRECTS = 10;
    static final String USER_AGENT = "lathe/0.1 (java " + Runtime.version().feature() + ")";

    /** A revision pinned to a commit, with the names of its files. */
    record RepoInfo(String commit, Set<String> files) {
    }

    /**
     * What the hub says about one file.
     *
     * @param etag the blob name (sha256 for LFS files)
     * @param size bytes, or -1 when the hub did not say
     * @param location where to GET the content (the CDN for LFS files)
     */
    record FileMetadata(String commit, String etag, long size, URI location) {
    }

    private final HubSettings settings;
    private final HttpClient client;

    HubHttp(HubSettings settings) {
        this.settings = settings;
        this.client = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER) // we follow them, to control the token
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** {@code GET /api/models/{repo}/revision/{revision}}: pins the revision and lists its files. */
    RepoInfo repoInfo(ModelRef ref) throws IOException {
        URI uri = URI.create(settings.endpoint() + "/api/models/" + HubNames.encodeSegment(ref.org()) + "/"
                + HubNames.encodeSegment(ref.name()) + "/revision/" + HubNames.encodeSegment(ref.revision()));
        HttpResponse<byte[]> response = send(request(uri, "GET").build(), HttpResponse.BodyHandlers.ofByteArray());
        // A renamed repository answers with a redirect on the hub itself; follow those only.
        for (int hop = 0; isRedirect(response.statusCode()) && hop < MAX_REDIRECTS; hop++) {
            Optional<String> location = response.headers().firstValue("Location");
            if (location.isEmpty() || !sameOrigin(uri.resolve(location.get()), settings.endpoint())) {
                break;
            }
            uri = uri.resolve(location.get());
            response = send(request(uri, "GET").build(), HttpResponse.BodyHandlers.ofByteArray());
        }
        if (response.statusCode() != 200) {
            throw error(response.statusCode(), response.headers(), ref, null);
        }
        JsonNode json;
        try {
            json = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new HubException(HubException.Kind.PROTOCOL, ref + ": the hub's file list is not JSON", e);
        }
        String commit = json.path("sha").asText(null);
        if (!ModelRef.isCommitSha(commit)) {
            throw new HubException(HubException.Kind.PROTOCOL, ref + ": the hub's file list has no valid commit"
                    + " sha (field 'sha' = '" + HubNames.printable(commit) + "')");
        }
        JsonNode siblings = json.path("siblings");
        if (!siblings.isArray()) {
            throw new HubException(HubException.Kind.PROTOCOL, ref + ": the hub's file list has no 'siblings'");
        }
        Set<String> files = new LinkedHashSet<>();
        for (JsonNode sibling : siblings) {
            files.add(HubNames.checkFilename(sibling.path("rfilename").asText(null), ref + " (file list)"));
        }
        return new RepoInfo(commit, files);
    }

    /** {@code HEAD .../resolve/{commit}/{file}}, following only the hub's own (relative) redirects. */
    FileMetadata metadata(ModelRef ref, String commit, String filename) throws IOException {
        URI uri = resolveUri(ref, commit, filename);
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest head = request(uri, "HEAD").header("Accept-Encoding", "identity").build();
            HttpResponse<Void> response = send(head, HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            HttpHeaders h = response.headers();
            Optional<String> location = h.firstValue("Location");
            if (isRedirect(status) && location.isPresent() && URI.create(location.get()).getHost() == null) {
                uri = uri.resolve(location.get());
                continue;
            }
            if (status != 200 && !isRedirect(status)) {
                throw error(status, h, ref, filename);
            }
            String where = ref.repoId() + "@" + commit + " " + filename;
            String serverCommit = h.firstValue("X-Repo-Commit").orElse(commit);
            if (!ModelRef.isCommitSha(serverCommit)) {
                throw new HubException(HubException.Kind.PROTOCOL, where + ": the hub sent an invalid X-Repo-Commit '"
                        + HubNames.printable(serverCommit) + "'");
            }
            // LFS files: X-Linked-Etag is the sha256 of the content; ETag would name the pointer file.
            String etag = HubNames.normalizeEtag(h.firstValue("X-Linked-Etag")
                    .orElse(h.firstValue("ETag").orElse(null)));
            if (etag == null) {
                throw new HubException(HubException.Kind.PROTOCOL, where + ": the hub sent no ETag; is HF_ENDPOINT ("
                        + settings.endpoint() + ") a Hugging Face hub?");
            }
            HubNames.checkEtag(etag, where);
            long size = parseLong(h.firstValue("X-Linked-Size").orElse(h.firstValue("Content-Length").orElse(null)));
            URI target = isRedirect(status) && location.isPresent() ? uri.resolve(location.get()) : uri;
            return new FileMetadata(serverCommit, etag, size, target);
        }
        throw new HubException(HubException.Kind.PROTOCOL, ref + " " + filename + ": more than " + MAX_REDIRECTS
                + " redirects");
    }

    /**
     * {@code GET uri} (following every redirect), with {@code Range: bytes=from-} when {@code from > 0};
     * the caller reads and closes the body. A response other than 200/206/416 becomes an exception.
     */
    HttpResponse<InputStream> get(URI uri, long from, ModelRef ref, String filename) throws IOException {
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder b = request(uri, "GET");
            if (from > 0) {
                b.header("Range", "bytes=" + from + "-");
            }
            HttpResponse<InputStream> response = send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            int status = response.statusCode();
            Optional<String> location = response.headers().firstValue("Location");
            if (isRedirect(status) && location.isPresent()) {
                response.body().close();
                uri = uri.resolve(location.get());
                continue;
            }
            if (status == 200 || status == 206 || status == 416) {
                return response;
            }
            response.body().close();
            throw error(status, response.headers(), ref, filename);
        }
        throw new HubException(HubException.Kind.PROTOCOL, ref + " " + filename + ": more than " + MAX_REDIRECTS
                + " redirects");
    }

    URI resolveUri(ModelRef ref, String revision, String filename) {
        return URI.create(settings.endpoint() + "/" + HubNames.encodeSegment(ref.org()) + "/"
                + HubNames.encodeSegment(ref.name()) + "/resolve/" + HubNames.encodeSegment(revision) + "/"
                + HubNames.encodePath(filename));
    }

    private HttpRequest.Builder request(URI uri, String method) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(settings.connectTimeout().plus(settings.readTimeout()))
                .header("User-Agent", USER_AGENT);
        if (settings.token().isPresent() && sameOrigin(uri, settings.endpoint())) {
            b.header("Authorization", "Bearer " + settings.token().get());
        }
        return b;
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
        try {
            HttpResponse<T> response = client.send(request, handler);
            int status = response.statusCode();
            if (status >= 500 || status == 429) {
                if (response.body() instanceof InputStream in) {
                    in.close();
                }
                throw new RetryableException("the hub answered HTTP " + status + " for " + request.method() + " "
                        + withoutQuery(request.uri()));
            }
            return response;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException(HubException.Kind.NETWORK, "interrupted during " + withoutQuery(request.uri()), e);
        }
    }

    /** A failure worth retrying: 5xx, 429 (the network ones are plain IOExceptions). */
    static final class RetryableException extends IOException {
        RetryableException(String message) {
            super(message);
        }
    }

    HubException error(int status, HttpHeaders headers, ModelRef ref, String filename) {
        String code = headers.firstValue("X-Error-Code").orElse("");
        String page = settings.endpoint() + "/" + ref.repoId();
        String at = ref.repoId() + " at revision '" + ref.revision() + "'";
        if (code.equals("RepoNotFound") || status == 404 && filename == null && !code.equals("RevisionNotFound")) {
            return new HubException(HubException.Kind.NOT_FOUND, "repository " + ref.repoId() + " not found on "
                    + settings.endpoint() + " (HTTP " + status + "); check the name"
                    + (settings.token().isPresent() ? "" : ", or set HF_TOKEN if it is private"));
        }
        if (code.equals("RevisionNotFound")) {
            return new HubException(HubException.Kind.NOT_FOUND, "revision '" + ref.revision() + "' of "
                    + ref.repoId() + " not found (HTTP " + status + "): use a branch, tag or commit listed on " + page);
        }
        if (code.equals("GatedRepo") || status == 401 || status == 403) {
            String advice = settings.token().isPresent()
                    ? "the token from HF_TOKEN was refused: check it grants read access and that you accepted the"
                            + " model's terms on " + page
                    : "accept the model's terms on " + page + " and set HF_TOKEN to an access token"
                            + " (https://huggingface.co/settings/tokens)";
            return new HubException(HubException.Kind.ACCESS_DENIED, ref.repoId() + " is gated or private (HTTP "
                    + status + "): " + advice);
        }
        if (status == 404) {
            return new HubException(HubException.Kind.NOT_FOUND, "file '" + filename + "' not found in " + at
                    + " (HTTP 404)");
        }
        return new HubException(HubException.Kind.PROTOCOL, "the hub answered HTTP " + status + " for " + at
                + (filename == null ? "" : ", file '" + filename + "'"));
    }

    static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    /** Signed CDN URLs carry credentials in the query: keep it out of messages. */
    static String withoutQuery(URI uri) {
        String s = uri.toString();
        int q = s.indexOf('?');
        return q < 0 ? s : s.substring(0, q);
    }

    static long parseLong(String s) {
        if (s == null) {
            return -1;
        }
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static Duration backoff(HubSettings settings, int attempt) {
        long ms = settings.retryBackoff().toMillis() << Math.min(attempt - 1, 16);
        return Duration.ofMillis(Math.min(ms, 30_000));
    }

    HubSettings settings() {
        return Objects.requireNonNull(settings);
    }
}
