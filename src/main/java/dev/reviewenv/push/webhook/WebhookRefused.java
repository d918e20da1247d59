package dev.reviewenv.push.webhook;

/** A delivery that is not accepted; {@code status} is the HTTP status it maps to. Never names a secret. */
public class WebhookRefused extends RuntimeException {
    private final int status;
    private final String error;

    public WebhookRefused(int status, String error, String detail) {
        super(detail);
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }
}
