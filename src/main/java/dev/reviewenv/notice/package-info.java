/**
 * The notice stage: what the people around an environment are told. {@link dev.reviewenv.notice.Notices}
 * sends an event (deployed, failed, stopped, expiring) to ntfy and a webhook, with every value the
 * operator gave masked; {@link dev.reviewenv.notice.Forges} sets the commit status and the pull
 * request's comment on the forge; {@link dev.reviewenv.notice.ExtendLinks} signs the one-click
 * Extend link. Each goes out through an {@code Outbox}, in order, retried, never holding up a deploy.
 *
 * <p>Receives: an environment's record and what happened to it. Hands on: nothing; a notice that
 * still fails after its tries is logged and dropped.
 */
package dev.reviewenv.notice;
