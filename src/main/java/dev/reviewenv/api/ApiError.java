package dev.reviewenv.api;

/** The body of every error answer: what went wrong, and the detail that says what to do. */
public record ApiError(String error, String detail) {
}
