/**
 * The teardown stage: ends an environment and leaves nothing behind, route first, record last;
 * the endings log and the {@link dev.reviewenv.teardown.EndReason} of every ending.
 *
 * <p>Receives: an environment name and why it ends, with the lock held by the caller. Hands on:
 * nothing left in Docker, Traefik or on disk but one line in the endings log.
 */
package dev.reviewenv.teardown;
