package dev.reviewenv.push;

/**
 * A push (from the hook or a webhook) that cannot start a job; {@code status} is the HTTP status
 * it maps to. The message never names a secret.
 */
public class PushRefused extends RuntimeException {
    private final int status;
    private final String error;

    public PushRefused(int status, String error, String detail) {
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
