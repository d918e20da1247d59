/**
 * The configuration ({@code reviewenv.*}, each key overridable by an environment variable), its
 * start-up check, lifetimes, the policy rules a repository can be trusted with, and the clock.
 *
 * <p>Receives: application.properties and the environment. Hands on: one typed, checked
 * {@link dev.reviewenv.config.ReviewenvConfig} and one {@link java.time.Clock}.
 */
package dev.reviewenv.config;
