/**
 * The values made valid once and passed on: {@link dev.reviewenv.naming.EnvironmentName},
 * {@link dev.reviewenv.naming.Branch}, {@link dev.reviewenv.naming.Address}, and the one function
 * that turns a branch into a name ({@link dev.reviewenv.naming.EnvironmentNames}).
 *
 * <p>Receives: strings from outside. Hands on: values that cannot be invalid.
 */
package dev.reviewenv.naming;
