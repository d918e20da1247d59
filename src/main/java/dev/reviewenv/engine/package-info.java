/**
 * The adapters, one per outside system, each the only class that speaks to it: Docker
 * ({@code docker}), the Compose CLI and compose files ({@code compose}), Traefik route files
 * ({@code traefik}), Redis ({@code redis}), git ({@code git}), the records on disk ({@code record}),
 * processes ({@code process}), atomic files ({@code fs}), JSON schemas ({@code schema}) and image
 * registries ({@code registry}). {@code stack} is the engine deploy and teardown run stacks with:
 * Compose on one host ({@code compose.ComposeStacks}) or a Docker Swarm ({@code swarm.SwarmStacks},
 * which speaks to Docker through {@code docker} and the CLI, and builds through {@code compose}).
 *
 * <p>Receives: plain values (environment names, paths, argv). Hands on: what the outside system
 * said, or an exception naming what failed. No adapter knows a stage.
 */
package dev.reviewenv.engine;
