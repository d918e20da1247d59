package dev.reviewenv.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A forge's smart-HTTP git service for a test: Git's own {@code git http-backend} behind an HTTP
 * server on a loopback port, serving the bare repositories under a directory, to a client that
 * sends the one user and token it expects (basic auth); anything else is answered 401. It keeps
 * what each request sent as its credentials, so a test can say what was sent.
 */
public final class GitHttpServer implements AutoCloseable {
    private final HttpServer server;
    private final Path root;
    private final String user;
    private final String token;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    private GitHttpServer(Path root, String user, String token) throws IOException {
        this.root = root;
        this.user = user;
        this.token = token;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Serves the bare repositories under {@code root} to {@code user}:{@code token}. */
    public static GitHttpServer start(Path root, String user, String token) {
        try {
            return new GitHttpServer(root, user, token);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The clone URL of the bare repository {@code name}.git under the root. */
    public String url(String name) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + name + ".git";
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The Authorization headers requests came with ("" for none), in order. */
    public List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String given = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(given == null ? "" : given);
            String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + token).getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(given)) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"forge\"");
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            ProcessBuilder pb = new ProcessBuilder("git", "http-backend");
            Map<String, String> env = pb.environment();
            env.put("GIT_PROJECT_ROOT", root.toString());
            env.put("GIT_HTTP_EXPORT_ALL", "1");
            env.put("REQUEST_METHOD", exchange.getRequestMethod());
            env.put("PATH_INFO", exchange.getRequestURI().getRawPath());
            env.put("QUERY_STRING", exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery());
            env.put("REMOTE_USER", user);
            env.put("REMOTE_ADDR", "127.0.0.1");
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            env.put("CONTENT_TYPE", type == null ? "" : type);
            String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
            if (encoding != null) {
                env.put("HTTP_CONTENT_ENCODING", encoding);
            }
            String protocol = exchange.getRequestHeaders().getFirst("Git-Protocol");
            if (protocol != null) {
                env.put("GIT_PROTOCOL", protocol);
            }
            Process p = pb.start();
            Thread feeder = new Thread(() -> {
                try (InputStream in = exchange.getRequestBody(); OutputStream out = p.getOutputStream()) {
                    in.transferTo(out);
                } catch (IOException ignored) {
                    // the backend stopped reading
                }
            });
            feeder.start();
            byte[] response = p.getInputStream().readAllBytes();
            p.waitFor();
            feeder.join();
            int split = indexOf(response, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            int bodyAt = split + 4;
            if (split < 0) {
                split = indexOf(response, "\n\n".getBytes(StandardCharsets.US_ASCII));
                bodyAt = split + 2;
            }
            int status = 200;
            for (String line : new String(response, 0, Math.max(split, 0), StandardCharsets.ISO_8859_1).split("\r?\n")) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Status")) {
                    status = Integer.parseInt(value.split(" ")[0]);
                } else {
                    exchange.getResponseHeaders().add(name, value);
                }
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.write(response, bodyAt, response.length - bodyAt);
            exchange.sendResponseHeaders(status, body.size() == 0 ? -1 : body.size());
            if (body.size() > 0) {
                exchange.getResponseBody().write(body.toByteArray());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int indexOf(byte[] data, byte[] what) {
        outer:
        for (int i = 0; i <= data.length - what.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (data[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
