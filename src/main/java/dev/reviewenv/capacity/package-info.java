/**
 * The capacity stage: how many environments a host holds and what gives way when it is full.
 * {@link dev.reviewenv.capacity.Capacity} admits a deploy or makes room (sleep, evict, or refuse
 * as {@code reviewenv.when-full} says) and keeps the disk above its floor;
 * {@link dev.reviewenv.capacity.Sleep} puts idle environments to sleep and wakes them on a request.
 *
 * <p>Receives: a deploy about to start (with its environment's lock held), the reaper's pass, a
 * request to a sleeping environment. Hands on: room made (through {@code teardown}), or a
 * {@link dev.reviewenv.capacity.CapacityRefused} naming the limit; sleeping and woken stacks.
 */
package dev.reviewenv.capacity;
