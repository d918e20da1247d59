/**
 * The job stage: the queue every push, webhook and button goes through ({@link dev.reviewenv.job.Jobs}),
 * the {@link dev.reviewenv.job.Job} it holds, and the {@link dev.reviewenv.job.Worker} that drains it.
 *
 * <p>Receives: deploy and stop requests (branch, commit, environment name and address, options or
 * reason). Hands on: a {@code DeployRequest} to {@code deploy} or a stop to {@code teardown}, under
 * the environment's lock; rolls back a deploy that failed after it changed something.
 */
package dev.reviewenv.job;
