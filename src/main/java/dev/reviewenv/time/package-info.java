/**
 * Time, on the floor every stage stands on: the service's one {@link java.time.Clock} (tests pass
 * their own) and the {@link dev.reviewenv.time.Poller} every wait-until-ready loop goes through.
 * Nothing here knows what it waits for.
 */
package dev.reviewenv.time;
