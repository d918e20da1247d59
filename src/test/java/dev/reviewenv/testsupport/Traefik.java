package dev.reviewenv.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/** Requests through the real Traefik of the test, by host name, as a browser would send them. */
public final class Traefik {
    private Traefik() {
    }

    public record Answer(int status, String body) {
    }

    public static Answer get(int port, String host, String path) {
        return getWith(port, host, path, null);
    }

    /** A GET with one more header line, e.g. {@code Authorization: Basic ...}. */
    public static Answer getWith(int port, String host, String path, String header) {
        return request("127.0.0.1", port, host, path, header);
    }

    /** A GET to a Traefik listening on {@code address} (not this machine's loopback). */
    public static Answer getAt(String address, int port, String host, String path) {
        return request(address, port, host, path, null);
    }

    private static Answer request(String address, int port, String host, String path, String header) {
        try (Socket s = new Socket(address, port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.0\r\nHost: " + host + "\r\n" + (header == null ? "" : header + "\r\n")
                    + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(response.substring(9, 12));
            int bodyAt = response.indexOf("\r\n\r\n");
            return new Answer(status, bodyAt < 0 ? "" : response.substring(bodyAt + 4));
        } catch (IOException e) {
            return new Answer(0, e.toString());
        }
    }

    /** Polls until the host answers 200 with a body containing {@code expected}; returns the last answer. */
    public static Answer await(int port, String host, String expected, Duration limit) {
        return awaitAt("127.0.0.1", port, host, expected, limit);
    }

    /** {@link #await} for a Traefik listening on {@code address}. */
    public static Answer awaitAt(String address, int port, String host, String expected, Duration limit) {
        Instant deadline = Instant.now().plus(limit);
        Answer last;
        do {
            last = getAt(address, port, host, "/");
            if (last.status() == 200 && last.body().contains(expected)) {
                return last;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return last;
            }
        } while (Instant.now().isBefore(deadline));
        return last;
    }
}
