package dev.reviewenv.engine.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Statistics;
import dev.reviewenv.engine.stack.StackEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** What the running containers of the host use right now, over the Docker API's stats. */
final class DockerStats {
    private final DockerClient client;

    DockerStats(DockerClient client) {
        this.client = client;
    }

    /**
     * One sample of every running container on this host that carry all of {@code labels}, taken at
     * once (the engine needs about a second for the CPU share); empty when none runs.
     */
    Optional<StackEngine.Usage> usage(Map<String, String> labels) {
        List<Container> running = client.listContainersCmd().withLabelFilter(labels).exec();
        List<java.util.concurrent.CompletableFuture<StackEngine.Usage>> samples = new ArrayList<>();
        for (Container c : running) {
            var sample = new java.util.concurrent.CompletableFuture<StackEngine.Usage>();
            samples.add(sample);
            client.statsCmd(c.getId()).withNoStream(true).exec(new ResultCallback.Adapter<Statistics>() {
                @Override
                public void onNext(Statistics st) {
                    sample.complete(usageOf(st));
                }

                @Override
                public void onError(Throwable t) {
                    sample.completeExceptionally(t);
                }

                @Override
                public void onComplete() {
                    sample.complete(new StackEngine.Usage(0, 0, 0));
                }
            });
        }
        StackEngine.Usage total = null;
        for (var sample : samples) {
            try {
                StackEngine.Usage u = sample.get(10, TimeUnit.SECONDS);
                total = total == null ? u : total.plus(u);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                // a container that stopped meanwhile counts for nothing
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return Optional.ofNullable(total);
    }

    private static StackEngine.Usage usageOf(Statistics st) {
        long memory = 0;
        if (st.getMemoryStats() != null && st.getMemoryStats().getUsage() != null) {
            memory = st.getMemoryStats().getUsage();
            // As docker stats shows it: without the page cache the kernel can drop.
            var stats = st.getMemoryStats().getStats();
            if (stats != null && stats.getCache() != null && stats.getCache() < memory) {
                memory -= stats.getCache();
            }
        }
        double cpu = 0;
        var now = st.getCpuStats();
        var before = st.getPreCpuStats();
        if (now != null && before != null && now.getCpuUsage() != null && before.getCpuUsage() != null
                && now.getSystemCpuUsage() != null && before.getSystemCpuUsage() != null
                && now.getCpuUsage().getTotalUsage() != null && before.getCpuUsage().getTotalUsage() != null) {
            long used = now.getCpuUsage().getTotalUsage() - before.getCpuUsage().getTotalUsage();
            long system = now.getSystemCpuUsage() - before.getSystemCpuUsage();
            long cpus = now.getOnlineCpus() != null ? now.getOnlineCpus() : 1;
            if (used > 0 && system > 0) {
                cpu = 100.0 * used / system * cpus;
            }
        }
        long pids = st.getPidsStats() != null && st.getPidsStats().getCurrent() != null ? st.getPidsStats().getCurrent() : 0;
        return new StackEngine.Usage(memory, cpu, pids);
    }
}
