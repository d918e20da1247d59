package dev.reviewenv.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stand-ins for the services reviewenv notifies, each checking every request against the
 * service's published API and answering as it would: an ntfy server (ntfy.sh/docs/publish: a
 * POST or PUT of the message to the topic, Title/Tags/Click/Actions headers), a JSON webhook
 * receiver, and the three forges (Gitea API v1 /repos/{owner}/{repo}/statuses/{sha} and
 * /pulls and /issues/{index}/comments with "Authorization: token"; GitHub REST
 * /repos/{owner}/{repo}/statuses/{sha}, /pulls?head=owner:branch, /issues/{n}/comments with a
 * bearer token and X-GitHub-Api-Version; GitLab v4 /projects/{id}/statuses/{sha},
 * /merge_requests?source_branch=, /merge_requests/{iid}/notes with PRIVATE-TOKEN). A request
 * that breaks the description is kept in {@link #violations}. Each forge has one open request,
 * for the branch {@code feature/x}.
 */
public class Receivers implements QuarkusTestResourceLifecycleManager {
    public static final String FORGE_TOKEN = "forge-token-0123456789";
    public static final String BRANCH = "feature/x";

    /** A request as received. */
    public record Received(String kind, String method, String path, Map<String, List<String>> headers, String body) {
        public JsonNode json() {
            try {
                return new ObjectMapper().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(e -> e.getValue().get(0))
                    .findFirst().orElse(null);
        }
    }

    public static final List<Received> received = new CopyOnWriteArrayList<>();
    public static final List<String> violations = new CopyOnWriteArrayList<>();
    private static final List<String> comments = new CopyOnWriteArrayList<>();
    private HttpServer server;

    public static List<Received> of(String kind) {
        return received.stream().filter(r -> r.kind().equals(kind)).toList();
    }

    public static void clear() {
        received.clear();
        violations.clear();
        comments.clear();
    }

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", this::handle);
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        return Map.ofEntries(
                Map.entry("reviewenv.notify.ntfy", base + "/ntfy/reviews"),
                Map.entry("reviewenv.notify.webhook", base + "/hook"),
                Map.entry("reviewenv.repositories.\"team/fg\".forge", "gitea"),
                Map.entry("reviewenv.repositories.\"team/fg\".forge-url", base + "/gitea/api/v1"),
                Map.entry("reviewenv.repositories.\"team/fg\".forge-token", FORGE_TOKEN),
                Map.entry("reviewenv.repositories.\"team/gh\".forge", "github"),
                Map.entry("reviewenv.repositories.\"team/gh\".forge-url", base + "/github"),
                Map.entry("reviewenv.repositories.\"team/gh\".forge-token", FORGE_TOKEN),
                Map.entry("reviewenv.repositories.\"team/gl\".forge", "gitlab"),
                Map.entry("reviewenv.repositories.\"team/gl\".forge-url", base + "/gitlab/api/v4"),
                Map.entry("reviewenv.repositories.\"team/gl\".forge-token", FORGE_TOKEN),
                Map.entry("reviewenv.repositories.\"team/down\".forge", "gitea"),
                Map.entry("reviewenv.repositories.\"team/down\".forge-url", "http://127.0.0.1:1/api/v1"),
                Map.entry("reviewenv.repositories.\"team/down\".forge-token", FORGE_TOKEN));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static final Pattern GITEA = Pattern.compile(
            "/gitea/api/v1/repos/([^/]+/[^/]+)/(statuses/([0-9a-f]{40})|pulls|issues/(\\d+)/comments|issues/comments/(\\d+))");
    private static final Pattern GITHUB = Pattern.compile(
            "/github/repos/([^/]+/[^/]+)/(statuses/([0-9a-f]{40})|pulls|issues/(\\d+)/comments|issues/comments/(\\d+))");
    private static final Pattern GITLAB = Pattern.compile(
            "/gitlab/api/v4/projects/([^/]+)/(statuses/([0-9a-f]{40})|merge_requests|merge_requests/(\\d+)/notes(?:/(\\d+))?)");

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        String query = ex.getRequestURI().getRawQuery() == null ? "" : ex.getRequestURI().getRawQuery();
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String kind = path.startsWith("/ntfy/") ? "ntfy" : path.equals("/hook") ? "webhook"
                : path.startsWith("/gitea/") ? "gitea" : path.startsWith("/github/") ? "github" : path.startsWith("/gitlab/") ? "gitlab" : "?";
        Received r = new Received(kind, ex.getRequestMethod(), path + (query.isEmpty() ? "" : "?" + query),
                Map.copyOf(ex.getRequestHeaders()), body);
        received.add(r);
        String answer = switch (kind) {
            case "ntfy" -> ntfy(r);
            case "webhook" -> webhook(r);
            case "gitea" -> forge(r, GITEA.matcher(path), "token " + FORGE_TOKEN, null,
                    Set.of("pending", "success", "error", "failure", "warning"), "context",
                    "[{\"number\":7,\"state\":\"open\",\"head\":{\"ref\":\"" + BRANCH + "\"}}]", query);
            case "github" -> forge(r, GITHUB.matcher(path), "Bearer " + FORGE_TOKEN, "2022-11-28",
                    Set.of("error", "failure", "pending", "success"), "context",
                    query.contains("head=" + java.net.URLEncoder.encode("team:" + BRANCH, StandardCharsets.UTF_8)) ? "[{\"number\":3}]" : "[]", query);
            case "gitlab" -> gitlab(r, GITLAB.matcher(path), query);
            default -> null;
        };
        byte[] out = answer == null ? "{\"message\":\"not found\"}".getBytes(StandardCharsets.UTF_8) : answer.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(answer == null ? 404 : r.method().equals("POST") && !kind.equals("ntfy") && !kind.equals("webhook") ? 201 : 200,
                out.length);
        ex.getResponseBody().write(out);
        ex.close();
    }

    private static String ntfy(Received r) {
        if (!Set.of("POST", "PUT").contains(r.method())) {
            violations.add("ntfy: publish is a POST or PUT, not " + r.method());
        }
        if (r.header("Title") == null || r.header("Title").isBlank()) {
            violations.add("ntfy: no Title");
        }
        if (r.body().isBlank()) {
            violations.add("ntfy: an empty message");
        }
        if (r.header("Click") != null && !URI.create(r.header("Click")).isAbsolute()) {
            violations.add("ntfy: Click is not a URL");
        }
        String actions = r.header("Actions");
        if (actions != null) {
            for (String action : actions.split(";")) {
                String[] parts = action.trim().split("\\s*,\\s*");
                if (parts.length < 3 || !Set.of("view", "broadcast", "http").contains(parts[0]) || parts[1].isBlank()
                        || !parts[2].matches("https?://\\S+")) {
                    violations.add("ntfy: action '" + action + "' is not <view|broadcast|http>, <label>, <url>[, ...]");
                }
            }
        }
        return "{\"id\":\"x\",\"event\":\"message\",\"topic\":\"reviews\"}";
    }

    private static String webhook(Received r) {
        if (!"POST".equals(r.method()) || !String.valueOf(r.header("Content-Type")).startsWith("application/json")) {
            violations.add("webhook: not a POST of JSON");
        }
        JsonNode j = r.json();
        for (String field : List.of("event", "environment", "repository", "branch", "commit", "url", "job", "status", "removeAt", "extendUrl")) {
            if (!j.has(field)) {
                violations.add("webhook: no field " + field);
            }
        }
        return "{}";
    }

    private static String forge(Received r, Matcher m, String auth, String apiVersion, Set<String> states, String contextField,
            String pulls, String query) {
        if (!m.matches()) {
            violations.add(r.kind() + ": no such endpoint " + r.method() + " " + r.path());
            return null;
        }
        if (!auth.equals(r.header("Authorization"))) {
            violations.add(r.kind() + ": Authorization is not '" + auth.replace(FORGE_TOKEN, "<token>") + "'");
        }
        if (apiVersion != null && !apiVersion.equals(r.header("X-GitHub-Api-Version"))) {
            violations.add(r.kind() + ": no X-GitHub-Api-Version " + apiVersion);
        }
        if (m.group(3) != null) {
            status(r, states, contextField);
            return "{\"id\":1}";
        }
        if (m.group(2).equals("pulls")) {
            if (!"GET".equals(r.method()) || !query.contains("state=open")) {
                violations.add(r.kind() + ": pulls are listed with GET ?state=open");
            }
            return pulls;
        }
        return comments(r, m.group(5), "PATCH");
    }

    private static String gitlab(Received r, Matcher m, String query) {
        if (!m.matches()) {
            violations.add("gitlab: no such endpoint " + r.method() + " " + r.path());
            return null;
        }
        if (!FORGE_TOKEN.equals(r.header("PRIVATE-TOKEN"))) {
            violations.add("gitlab: no PRIVATE-TOKEN");
        }
        if (!m.group(1).contains("%2F")) {
            violations.add("gitlab: the project id is not the URL-encoded path: " + m.group(1));
        }
        if (m.group(3) != null) {
            status(r, Set.of("pending", "running", "success", "failed", "canceled"), "name");
            return "{\"id\":1}";
        }
        if (m.group(2).equals("merge_requests")) {
            if (!query.contains("state=opened")) {
                violations.add("gitlab: merge requests are listed with ?state=opened");
            }
            return query.contains("source_branch=" + java.net.URLEncoder.encode(BRANCH, StandardCharsets.UTF_8).replace("+", "%20"))
                    ? "[{\"iid\":5}]" : "[]";
        }
        return comments(r, m.group(5), "PUT");
    }

    private static void status(Received r, Set<String> states, String contextField) {
        JsonNode j = r.json();
        if (!"POST".equals(r.method())) {
            violations.add(r.kind() + ": a status is a POST");
        }
        if (!states.contains(j.path("state").asText())) {
            violations.add(r.kind() + ": state '" + j.path("state").asText() + "' is not one of " + states);
        }
        if (!"reviewenv".equals(j.path(contextField).asText())) {
            violations.add(r.kind() + ": " + contextField + " is not reviewenv");
        }
        if (!j.path("target_url").asText().matches("https?://\\S+")) {
            violations.add(r.kind() + ": target_url is not a URL");
        }
    }

    /**
     * The comments (notes) of a request: a POST makes one with the next id, {@code editMethod} to
     * {@code comment} (its id) replaces its body, a GET lists them with their ids.
     */
    private static String comments(Received r, String comment, String editMethod) {
        if (comment != null) {
            if (!editMethod.equals(r.method())) {
                violations.add(r.kind() + ": a comment is edited with " + editMethod + ", not " + r.method());
            }
            int id = Integer.parseInt(comment);
            String prefix = r.kind() + "|" + id + "|";
            for (int i = 0; i < comments.size(); i++) {
                if (comments.get(i).startsWith(prefix)) {
                    comments.set(i, prefix + r.json().path("body").asText());
                    return "{\"id\":" + id + "}";
                }
            }
            violations.add(r.kind() + ": no comment " + id + " to edit");
            return null;
        }
        if ("POST".equals(r.method())) {
            String body = r.json().path("body").asText();
            if (body.isBlank()) {
                violations.add(r.kind() + ": a comment without body");
            }
            int id = comments.size() + 1;
            comments.add(r.kind() + "|" + id + "|" + body);
            return "{\"id\":" + id + "}";
        }
        List<String> mine = new ArrayList<>();
        for (String c : comments) {
            String[] parts = c.split("\\|", 3);
            if (parts[0].equals(r.kind())) {
                mine.add("{\"id\":" + parts[1] + ",\"body\":" + quote(parts[2]) + "}");
            }
        }
        return "[" + String.join(",", mine) + "]";
    }

    /** The body of each comment of {@code forge} as it stands now (edits applied), oldest first. */
    public static List<String> comments(String forge) {
        return comments.stream().map(c -> c.split("\\|", 3)).filter(p -> p[0].equals(forge)).map(p -> p[2]).toList();
    }

    private static String quote(String s) {
        try {
            return new ObjectMapper().writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
