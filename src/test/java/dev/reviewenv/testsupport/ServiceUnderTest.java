package dev.reviewenv.testsupport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The service a {@code @QuarkusTest} runs against ({@link HostServices}), as each test sees it:
 * its home, the port of the test's Traefik, and the git repositories pushed to it. Register it on
 * an instance field:
 *
 * <pre>{@code
 * @RegisterExtension
 * final ServiceUnderTest sut = ServiceUnderTest.repository("team/cap");
 * }</pre>
 *
 * <p>Before each test (before the class's own {@code @BeforeEach}) it reads the configuration and
 * makes the {@link #git()} fixture of the repository, if it was built with one; {@link #repo}
 * makes more. After each test (after the class's own {@code @AfterEach}) it stops every
 * environment the service lists, each stop job awaited and required to succeed (see
 * {@link #stopping}), closes every fixture, runs the test's {@link #cleanUp} commands, then the
 * steps given to {@link #afterwards}: what must wait until no environment runs (removing an image
 * the stacks ran, judging what the stops sent). The fixtures are closed and the rest runs even
 * when a stop fails; the first failure fails the test.
 */
public final class ServiceUnderTest implements BeforeEachCallback, AfterEachCallback {
    /** What is done with the environments after each test. */
    public enum Stopping {
        /** Each is stopped, and its stop job must succeed. */
        SUCCEEDED,
        /** Each is stopped, and its stop job awaited however it ends (a test that broke the service on purpose). */
        ENDED,
        /** None is stopped (the tests end their own). */
        NONE
    }

    private final String repository;
    private Stopping stopping = Stopping.SUCCEEDED;
    private final List<Runnable> afterwards = new ArrayList<>();

    private Config config;
    private GitFixture git;
    private final List<GitFixture> repos = new ArrayList<>();
    private final List<String[]> cleanUps = new ArrayList<>();

    private ServiceUnderTest(String repository) {
        this.repository = repository;
    }

    /** A fixture of the repository {@code name} (as {@code team/app}), made anew before each test: {@link #git()}. */
    public static ServiceUnderTest repository(String name) {
        return new ServiceUnderTest(name);
    }

    /** No fixture made before each test: the test makes its repositories with {@link #repo}. */
    public static ServiceUnderTest repositories() {
        return new ServiceUnderTest(null);
    }

    /** How the environments are stopped after each test; {@link Stopping#SUCCEEDED} unless told. */
    public ServiceUnderTest stopping(Stopping how) {
        this.stopping = how;
        return this;
    }

    /** Runs {@code step} after each test, once the environments are stopped and the fixtures closed. */
    public ServiceUnderTest afterwards(Runnable step) {
        afterwards.add(step);
        return this;
    }

    /**
     * Runs {@code argv} after this test, once every environment is stopped (before the steps of
     * {@link #afterwards}), whether it succeeds or not: to remove what the test made outside reviewenv.
     */
    public void cleanUp(String... argv) {
        cleanUps.add(argv);
    }

    /**
     * A new tag of {@code reviewenv/busybox:local}, for a side service of a test's stack; removed
     * after this test like a {@link #cleanUp} command (a teardown removes it earlier: tag it again).
     */
    public String sideImage() {
        String tag = "reviewenv-it/side:" + UUID.randomUUID().toString().substring(0, 8);
        Cmd.ok("docker", "tag", "reviewenv/busybox:local", tag);
        cleanUp("docker", "rmi", tag);
        return tag;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        config = ConfigProvider.getConfig(context.getRequiredTestClass().getClassLoader());
        repos.clear();
        cleanUps.clear();
        git = repository == null ? null : repo(repository);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Throwable failed = null;
        try {
            switch (stopping) {
                case SUCCEEDED -> {
                    for (String name : Api.environments()) {
                        Api.succeeded(Api.stop(name));
                    }
                }
                case ENDED -> {
                    for (String name : Api.environments()) {
                        Api.awaitJob(Api.stop(name));
                    }
                }
                case NONE -> {
                }
            }
        } catch (Throwable t) {
            failed = t;
        }
        repos.forEach(GitFixture::close);
        repos.clear();
        git = null;
        cleanUps.forEach(argv -> Cmd.run(null, Map.of(), argv));
        cleanUps.clear();
        for (Runnable step : afterwards) {
            try {
                step.run();
            } catch (Throwable t) {
                if (failed == null) {
                    failed = t;
                } else {
                    failed.addSuppressed(t);
                }
            }
        }
        if (failed instanceof Exception e) {
            throw e;
        } else if (failed instanceof Error e) {
            throw e;
        } else if (failed != null) {
            throw new IllegalStateException(failed);
        }
    }

    /** A value of the service's configuration. */
    public String config(String key) {
        return config().getValue(key, String.class);
    }

    /** {@code reviewenv.home}. */
    public Path home() {
        return Path.of(config("reviewenv.home"));
    }

    /** {@code reviewenv.git-root}, where the repositories are. */
    public Path gitRoot() {
        return Path.of(config("reviewenv.git-root"));
    }

    /** The port the test's Traefik listens on ({@code reviewenv-test.traefik-port}). */
    public int traefikPort() {
        return config().getValue("reviewenv-test.traefik-port", Integer.class);
    }

    /** The service's URL, as {@code @TestHTTPResource("/")} gives it (ending in {@code /}). */
    public String url() {
        String url = config().getValue("test.url", String.class);
        return url.endsWith("/") ? url : url + "/";
    }

    /** The service's HTTP port. */
    public int port() {
        return java.net.URI.create(url()).getPort();
    }

    /** The fixture of the repository this was built with, made before this test. */
    public GitFixture git() {
        if (git == null) {
            throw new IllegalStateException(repository == null
                    ? "built with ServiceUnderTest.repositories(): make one with repo(name)" : "no test is running");
        }
        return git;
    }

    /** A new fixture of the repository {@code name}, with the test token; closed after the test. */
    public GitFixture repo(String name) {
        GitFixture fixture = new GitFixture(gitRoot(), name, url(), HostServices.TOKEN);
        repos.add(fixture);
        return fixture;
    }

    private Config config() {
        if (config == null) {
            throw new IllegalStateException("no test is running");
        }
        return config;
    }
}
