package dev.reviewenv.naming;

/**
 * A branch of a repository: the repository's path under the git root ({@code team/shop}) and the
 * full ref ({@code refs/heads/feature/x}). Made valid once, where a push arrives; everything after
 * that takes it as it is.
 */
public record Branch(String repository, String ref) {
    private static final String HEADS = "refs/heads/";
    /** Longest ref accepted; git itself has no limit, but no real branch comes near it. */
    public static final int MAX_REF_LENGTH = 1024;

    public Branch {
        if (repository == null || repository.isBlank()) {
            throw new IllegalArgumentException("a branch needs its repository");
        }
        if (ref == null || !ref.startsWith(HEADS) || ref.length() == HEADS.length() || ref.length() > MAX_REF_LENGTH
                || ref.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("ref '" + ref + "' is not a branch; only refs/heads/<branch> is deployed");
        }
    }

    /** The branch's short name: {@code refs/heads/feature/x} is {@code feature/x}. */
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
