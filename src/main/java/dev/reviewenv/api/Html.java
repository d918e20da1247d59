package dev.reviewenv.api;

/** Text made safe to put into HTML. */
final class Html {
    private Html() {
    }

    /** A small page of a title and a line; {@code head} goes into its head as it is (escape what goes into it). */
    static jakarta.ws.rs.core.Response page(int status, String title, String text, String head) {
        String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
                + "content=\"width=device-width, initial-scale=1\">" + head + "<title>" + escape(title) + "</title></head>"
                + "<body style=\"font-family:sans-serif;max-width:30em;margin:3em auto;padding:0 1em\"><h1>"
                + escape(title) + "</h1><p>" + escape(text) + "</p></body></html>";
        return jakarta.ws.rs.core.Response.status(status).type(jakarta.ws.rs.core.MediaType.TEXT_HTML + ";charset=utf-8")
                .header("Cache-Control", "no-store").entity(html).build();
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
