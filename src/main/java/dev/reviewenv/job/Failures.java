package dev.reviewenv.job;

import dev.reviewenv.capacity.CapacityRefused;
import dev.reviewenv.deploy.DeployException;
import dev.reviewenv.deploy.DeployRefused;
import dev.reviewenv.engine.compose.ComposeException;
import dev.reviewenv.engine.compose.ComposeFileException;
import dev.reviewenv.engine.git.GitException;
import dev.reviewenv.engine.redis.RedisUnavailable;
import dev.reviewenv.environment.NameTaken;

/** What kind of failure ended a job, as the {@code reason} of the {@code reviewenv.failures} counter. */
final class Failures {
    private Failures() {
    }

    static String kind(Throwable e) {
        if (e instanceof ComposeFileException) {
            return "refused-compose-file";
        }
        if (e instanceof CapacityRefused) {
            return "refused-capacity";
        }
        if (e instanceof NameTaken) {
            return "name-taken";
        }
        if (e instanceof DeployRefused) {
            return "refused-ownership";
        }
        if (e instanceof GitException) {
            return "git";
        }
        if (e instanceof ComposeException) {
            return "compose";
        }
        if (e instanceof DeployException) {
            return "deploy";
        }
        if (e instanceof RedisUnavailable) {
            return "redis";
        }
        return "error";
    }
}
