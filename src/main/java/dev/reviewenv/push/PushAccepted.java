package dev.reviewenv.push;

/** The answer to a push: the job started for it, the environment and its URL, and what will happen. */
public record PushAccepted(String job, String environment, String url, String action, String repository) {
}
