package dev.reviewenv.push.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reviewenv.push.PullRequestEvent;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pull and merge request events of the three forges, in the shapes their documentation gives. */
class PullRequestsTest {
    static final String SHA = "3f786850e387550fdab836ed7e6dc881de23001b";
    final ObjectMapper json = new ObjectMapper();

    WebhookEvent event(Provider provider, String header, String body) throws Exception {
        Map<String, String> headers = Map.of(provider == Provider.GITHUB ? "X-GitHub-Event" : provider == Provider.GITEA
                ? "X-Gitea-Event" : "X-Gitlab-Event", header);
        return provider.event(json.readTree(body), headers::get, "team/shop");
    }

    static String github(String action, String headRepo, String labels) {
        return """
                {"action":"%s","number":7,"pull_request":{"number":7,"state":"%s","labels":[%s],
                 "head":{"sha":"%s","ref":"feature","repo":{"full_name":"%s"}},"base":{"ref":"main","repo":{"full_name":"team/shop"}}},
                 "repository":{"full_name":"team/shop"}}""".formatted(action, action.equals("closed") ? "closed" : "open", labels, SHA,
                headRepo);
    }

    @Test
    void gitHubOpensUpdatesRelabelsAndClosesARequest() throws Exception {
        PullRequestEvent opened = event(Provider.GITHUB, "pull_request", github("opened", "team/shop", "")).pullRequest().orElseThrow();
        assertEquals(new PullRequestEvent("team/shop", 7, SHA, true, false, Set.of(), false), opened);
        assertTrue(event(Provider.GITHUB, "pull_request", github("synchronize", "team/shop", "")).pullRequest().orElseThrow().open());
        PullRequestEvent fork = event(Provider.GITHUB, "pull_request", github("labeled", "someone/shop", "{\"name\":\"preview\"}"))
                .pullRequest().orElseThrow();
        assertTrue(fork.fork());
        assertEquals(Set.of("preview"), fork.labels());
        assertFalse(event(Provider.GITHUB, "pull_request", github("closed", "team/shop", "")).pullRequest().orElseThrow().open());
        assertTrue(event(Provider.GITHUB, "pull_request", github("edited", "team/shop", "")).pullRequest().isEmpty(),
                "an edited title changes nothing that runs");
    }

    @Test
    void giteaSendsTheSameShapeUnderItsOwnEventNames() throws Exception {
        String body = github("synchronized", "team/shop", "").replace("\"synchronize\"", "\"synchronized\"");
        PullRequestEvent synced = event(Provider.GITEA, "pull_request_sync", body).pullRequest().orElseThrow();
        assertEquals(7, synced.number());
        assertFalse(synced.gitlab());
        PullRequestEvent relabeled = event(Provider.GITEA, "pull_request_label",
                github("label_updated", "other/shop", "{\"name\":\"preview\"}")).pullRequest().orElseThrow();
        assertTrue(relabeled.fork() && relabeled.labels().contains("preview"));
    }

    static String gitlab(String action, String state, int source, String extra) {
        return """
                {"object_kind":"merge_request","project":{"path_with_namespace":"team/shop"},
                 "object_attributes":{"iid":12,"action":"%s","state":"%s","source_project_id":%d,"target_project_id":5,
                  "last_commit":{"id":"%s"}%s},
                 "labels":[{"title":"preview"}]}""".formatted(action, state, source, SHA, extra);
    }

    @Test
    void gitLabMergeRequestsAreOpenedUpdatedByNewCommitsAndEndedByCloseOrMerge() throws Exception {
        PullRequestEvent opened = event(Provider.GITLAB, "Merge Request Hook", gitlab("open", "opened", 5, "")).pullRequest()
                .orElseThrow();
        assertEquals(new PullRequestEvent("team/shop", 12, SHA, true, false, Set.of("preview"), true), opened);
        assertTrue(event(Provider.GITLAB, "Merge Request Hook", gitlab("update", "opened", 5, ",\"oldrev\":\"" + "a".repeat(40) + "\""))
                .pullRequest().isPresent(), "new commits");
        assertTrue(event(Provider.GITLAB, "Merge Request Hook", gitlab("update", "opened", 5, "")).pullRequest().isEmpty(),
                "an edited description changes nothing that runs");
        assertTrue(event(Provider.GITLAB, "Merge Request Hook", gitlab("open", "opened", 9, "")).pullRequest().orElseThrow().fork());
        assertFalse(event(Provider.GITLAB, "Merge Request Hook", gitlab("merge", "merged", 5, "")).pullRequest().orElseThrow().open());
        assertFalse(event(Provider.GITLAB, "Merge Request Hook", gitlab("close", "closed", 5, "")).pullRequest().orElseThrow().open());
    }
}
