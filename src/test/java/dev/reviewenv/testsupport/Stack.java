package dev.reviewenv.testsupport;

/** The compose files and Dockerfiles test branches hold: busybox stacks that stop at once. */
public final class Stack {
    private Stack() {
    }

    /** A built web service serving a page on 8080, with a named volume, and a side service from {@code sideImage}. */
    public static String compose(String webDir, String sideImage) {
        return """
                services:
                  web:
                    build: ./%s
                    init: true
                    expose: ["8080"]
                    volumes: ["data:/data"]
                  side:
                    image: %s
                    init: true
                    command: ["sleep", "3600"]
                volumes:
                  data: {}
                """.formatted(webDir, sideImage);
    }

    public static String dockerfile(String page) {
        return """
                FROM reviewenv/busybox:local
                RUN mkdir -p /www && echo '%s' > /www/index.html
                CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
                """.formatted(page);
    }
}
