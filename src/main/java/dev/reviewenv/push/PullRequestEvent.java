package dev.reviewenv.push;

import java.util.Set;

/**
 * What a forge's pull (merge) request event says: the request's number in {@code repository}, its
 * head commit, whether it is open, whether its head is another repository's (a fork), and its
 * labels. {@code gitlab}: its head ref is GitLab's {@code refs/merge-requests/<n>/head}.
 */
public record PullRequestEvent(String repository, long number, String head, boolean open, boolean fork, Set<String> labels,
        boolean gitlab) {
    public PullRequestEvent {
        labels = Set.copyOf(labels);
    }
}
