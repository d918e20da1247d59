/**
 * The deploy stage: checkout, admission of the compose file (source, specification, policy,
 * rendering, Compose's own reading), record, {@code up}, readiness and route.
 *
 * <p>Receives: a {@link dev.reviewenv.deploy.DeployRequest}, with the environment's lock held by the
 * caller. Hands on: the running environment (its record, containers and route file), or a refusal
 * (nothing changed) or a {@link dev.reviewenv.deploy.DeployException} (something to roll back).
 */
package dev.reviewenv.deploy;
