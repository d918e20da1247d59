/**
 * What an environment is known by before and between deploys: the name a branch is allocated
 * (and its address), and the moving of its end ({@code extend}).
 *
 * <p>Receives: a {@code Branch}, or an environment name and a lifetime. Hands on: an allocation
 * (name and address), claims in Redis, updated records.
 */
package dev.reviewenv.environment;
