package dev.reviewenv.push.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reviewenv.push.PullRequestEvent;
import dev.reviewenv.push.PushRefused;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The pull (merge) request events of the three forges, read from their documented payloads:
 * GitHub {@code pull_request}, Gitea {@code pull_request} (and its {@code pull_request_label},
 * {@code pull_request_sync}), GitLab {@code Merge Request Hook}. An event that opens, updates,
 * relabels, closes or merges a request becomes a {@link PullRequestEvent}; any other (an edited
 * title, an assignee) is nothing to do.
 */
final class PullRequests {
    /** The actions that change what should run: the head, the labels, or whether the request is open. */
    private static final Set<String> ACTING = Set.of("opened", "reopened", "synchronize", "synchronized", "closed", "labeled",
            "unlabeled", "label_updated", "open", "reopen", "update", "close", "merge");

    private PullRequests() {
    }

    /** Whether {@code event} (the provider's event header, lower case) is a pull request event. */
    static boolean is(Provider provider, String event) {
        return provider == Provider.GITLAB ? event.equals("merge request hook") : event.startsWith("pull_request");
    }

    static WebhookEvent event(Provider provider, JsonNode payload, String repository) {
        return provider == Provider.GITLAB ? gitlab(payload, repository) : githubOrGitea(payload, repository);
    }

    /** GitHub and Gitea write the same shape: {@code action}, {@code number}, {@code pull_request.{state,head,base,labels}}. */
    private static WebhookEvent githubOrGitea(JsonNode payload, String repository) {
        String action = payload.path("action").asText("").toLowerCase(Locale.ROOT);
        if (!ACTING.contains(action)) {
            return WebhookEvent.ignore("pull request action '" + action + "' changes nothing that runs");
        }
        JsonNode pr = payload.path("pull_request");
        long number = payload.path("number").asLong(pr.path("number").asLong(0));
        String head = pr.path("head").path("sha").asText("");
        String headRepo = pr.path("head").path("repo").path("full_name").asText("");
        String baseRepo = pr.path("base").path("repo").path("full_name").asText(repository);
        boolean open = !action.equals("closed") && !"closed".equals(pr.path("state").asText("open"));
        Set<String> labels = new HashSet<>();
        pr.path("labels").forEach(l -> labels.add(l.path("name").asText()));
        return WebhookEvent.of(valid(new PullRequestEvent(repository, number, head, open, !headRepo.equalsIgnoreCase(baseRepo),
                labels, false)));
    }

    /** GitLab: {@code object_attributes.{action,iid,state,last_commit.id,source_project_id,target_project_id}}, {@code labels}. */
    private static WebhookEvent gitlab(JsonNode payload, String repository) {
        JsonNode mr = payload.path("object_attributes");
        String action = mr.path("action").asText("").toLowerCase(Locale.ROOT);
        if (!ACTING.contains(action)) {
            return WebhookEvent.ignore("merge request action '" + action + "' changes nothing that runs");
        }
        // An update is new commits (oldrev) or new labels; any other update (a title, a description) changes nothing.
        if (action.equals("update") && !mr.has("oldrev") && !payload.path("changes").has("labels")) {
            return WebhookEvent.ignore("the merge request was edited; its head and labels are as they were");
        }
        String state = mr.path("state").asText("opened");
        boolean open = !action.equals("close") && !action.equals("merge") && state.equals("opened");
        boolean fork = mr.path("source_project_id").asLong(0) != mr.path("target_project_id").asLong(0);
        Set<String> labels = new HashSet<>();
        JsonNode list = payload.has("labels") ? payload.path("labels") : mr.path("labels");
        list.forEach(l -> labels.add(l.path("title").asText()));
        return WebhookEvent.of(valid(new PullRequestEvent(repository, mr.path("iid").asLong(0),
                mr.path("last_commit").path("id").asText(""), open, fork, labels, true)));
    }

    private static PullRequestEvent valid(PullRequestEvent e) {
        if (e.number() <= 0) {
            throw new PushRefused(400, "bad request", "the pull request event names no request number");
        }
        if (e.open() && !e.head().matches("[0-9a-fA-F]{40}")) {
            throw new PushRefused(400, "bad request", "the pull request event names no head commit (a 40-character id)");
        }
        return e;
    }
}
