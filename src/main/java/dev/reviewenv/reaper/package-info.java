/**
 * The reaper: one pass that ends expired environments and reconciles records with Docker both
 * ways, run on a schedule in the service or once from cron ({@code reap}).
 *
 * <p>Receives: an instant ("now"). Hands on: each environment due to end, with its
 * {@code EndReason}, to {@code teardown}, under the environment's lock.
 */
package dev.reviewenv.reaper;
