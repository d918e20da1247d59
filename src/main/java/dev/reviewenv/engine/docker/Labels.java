package dev.reviewenv.engine.docker;

/** The Docker labels reviewenv reads and writes, in one place. */
public final class Labels {
    /** Set by Compose on every container, network and volume of a project: the environment name. */
    public static final String COMPOSE_PROJECT = "com.docker.compose.project";
    /** Set by Compose on every container: the service it runs. */
    public static final String COMPOSE_SERVICE = "com.docker.compose.service";
    /** Set by reviewenv on every container of an environment: how the reconcile knows what is its own. */
    public static final String ENVIRONMENT = "dev.reviewenv.environment";

    private Labels() {
    }
}
