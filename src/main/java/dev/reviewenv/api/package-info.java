/**
 * The HTTP surface: thin resources that parse a request, call one stage and map the outcome to
 * a status code and a JSON body ({@code {"error","detail"}} for failures).
 *
 * <p>Receives: HTTP requests (bearer token checked here). Hands on: pushes to {@code push},
 * stops and job reads to {@code job}, extensions to {@code environment}; reads records from the
 * record adapter for the environment views.
 */
package dev.reviewenv.api;
