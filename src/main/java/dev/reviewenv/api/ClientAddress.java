package dev.reviewenv.api;

import io.vertx.core.http.HttpServerRequest;

/** The address a request came from, as the HTTP server saw it (its proxy settings decide whether a forwarded one counts). */
final class ClientAddress {
    private ClientAddress() {
    }

    static String of(HttpServerRequest request) {
        return request == null || request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    }
}
