package dev.reviewenv.api;

/** An answer other than success, with its status code. */
public class ApiException extends RuntimeException {
    private final int status;
    private final String error;

    public ApiException(int status, String error, String detail) {
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

    public static ApiException notFound(String what) {
        return new ApiException(404, "not found", what);
    }
}
