/**
 * The adapters, one per outside system, each the only class that speaks to it: Docker
 * ({@code docker}), the Compose CLI and compose files ({@code compose}), Traefik route files
 * ({@code traefik}), Redis ({@code redis}), git ({@code git}), the records on disk ({@code record}),
 * processes ({@code process}), atomic files ({@code fs}) and JSON schemas ({@code schema}).
 *
 * <p>Receives: plain values (environment names, paths, argv). Hands on: what the outside system
 * said, or an exception naming what failed. No adapter knows a stage.
 */
package dev.reviewenv.engine;
