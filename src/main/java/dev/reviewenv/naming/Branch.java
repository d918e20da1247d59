package dev.reviewenv.naming;

/**
 * What an environment runs: a branch of a repository, or the head of one of its pull (merge)
 * requests. The repository's path ({@code team/shop}) and the full ref: {@code refs/heads/feature/x},
 * or {@code refs/pull/<n>/head} (GitHub, Gitea) / {@code refs/merge-requests/<n>/head} (GitLab).
 * Made valid once, where a push or a webhook arrives; everything after that takes it as it is.
 */
public record Branch(String repository, String ref) {
    private static final String HEADS = "refs/heads/";
    /** Longest ref accepted; git itself has no limit, but no real branch comes near it. */
    public static final int MAX_REF_LENGTH = 1024;

    public Branch {
        if (repository == null || repository.isBlank()) {
            throw new IllegalArgumentException("a branch needs its repository");
        }
        if (ref == null || !(ref.startsWith(HEADS) || EnvironmentNames.pullRequestOf(ref).isPresent()) || ref.length() == HEADS.length()
                || ref.length() > MAX_REF_LENGTH || ref.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("ref '" + ref + "' is not a branch; only refs/heads/<branch> is deployed");
        }
    }

    /** The head of pull request {@code number}: {@code refs/pull/<n>/head}, or GitLab's {@code refs/merge-requests/<n>/head}. */
    public static Branch pullRequest(String repository, long number, boolean gitlab) {
        return new Branch(repository, (gitlab ? "refs/merge-requests/" : "refs/pull/") + number + "/head");
    }

    /** The number of the pull request whose head this is; empty for a branch. */
    public java.util.OptionalLong pullRequest() {
        return EnvironmentNames.pullRequestOf(ref);
    }

    /** The branch's short name: {@code refs/heads/feature/x} is {@code feature/x}; a pull request's head is {@code pr-<n>}. */
    public String name() {
        return EnvironmentNames.branchOf(ref);
    }

    /** One string per branch, for keys in Redis and hashes: repository and ref, a newline between. */
    public String key() {
        return repository + "\n" + ref;
    }

    @Override
    public String toString() {
        return repository + " " + name();
    }
}
