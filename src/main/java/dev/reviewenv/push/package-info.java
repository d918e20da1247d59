/**
 * The ways a push arrives: the post-receive hook's {@code POST /api/push} and the GitHub, Gitea and
 * GitLab webhooks ({@code webhook/}). A pushed ref is checked (repository under the git root, a
 * branch, a commit id, known options) and becomes a {@code Branch}.
 *
 * <p>Receives: a {@link dev.reviewenv.push.PushRequest} (or a signed webhook delivery). Hands on:
 * the branch's allocated name and address and a deploy or stop request to {@code job.Jobs}.
 */
package dev.reviewenv.push;
