package dev.reviewenv.api;

import dev.reviewenv.engine.stack.StackEngine;
import dev.reviewenv.job.Jobs;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code /q/health/ready}: the service can take pushes only while Redis (the job queue) and the
 * Docker engine answer; each is its own check, so the answer says which one is down.
 */
public class HealthChecks {

    @Readiness
    @ApplicationScoped
    public static class Queue implements HealthCheck {
        private final Jobs jobs;

        public Queue(Jobs jobs) {
            this.jobs = jobs;
        }

        @Override
        public HealthCheckResponse call() {
            try {
                jobs.ping();
                return HealthCheckResponse.up("redis");
            } catch (RuntimeException e) {
                return HealthCheckResponse.named("redis").down().withData("error", String.valueOf(e.getMessage())).build();
            }
        }
    }

    @Readiness
    @ApplicationScoped
    public static class Engine implements HealthCheck {
        private final StackEngine engine;

        public Engine(StackEngine engine) {
            this.engine = engine;
        }

        @Override
        public HealthCheckResponse call() {
            try {
                engine.ping();
                return HealthCheckResponse.up("docker");
            } catch (RuntimeException e) {
                return HealthCheckResponse.named("docker").down().withData("error", String.valueOf(e.getMessage())).build();
            }
        }
    }
}
