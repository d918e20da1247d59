package dev.reviewenv.testsupport;

import static io.restassured.RestAssured.given;

import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The service's HTTP API as a test uses it, with the test token. */
public final class Api {
    public static final Pattern STARTED = Pattern.compile("started job ([0-9a-f-]{36}) for (\\S+)");

    private Api() {
    }

    /** The job id the hook printed; fails when it printed none. */
    public static String startedJob(String pushOutput) {
        Matcher m = STARTED.matcher(pushOutput);
        if (!m.find()) {
            throw new AssertionError("the push output names no job:\n" + pushOutput);
        }
        return m.group(1);
    }

    public static JsonPath job(String id) {
        return given().auth().oauth2(HostServices.TOKEN).get("/api/jobs/" + id).then().statusCode(200).extract().jsonPath();
    }

    /** Waits for the job to end and returns it. */
    public static JsonPath awaitJob(String id) {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (true) {
            JsonPath job = job(id);
            String status = job.getString("status");
            if (List.of("succeeded", "failed", "cancelled").contains(status)) {
                return job;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("job " + id + " still " + status + ":\n" + job.getString("output"));
            }
            sleep(200);
        }
    }

    /** Waits for the job to succeed; fails with its output otherwise. */
    public static JsonPath succeeded(String id) {
        JsonPath job = awaitJob(id);
        if (!"succeeded".equals(job.getString("status"))) {
            throw new AssertionError("job " + id + " " + job.getString("status") + ":\n" + job.getString("output"));
        }
        return job;
    }

    /** The names of every environment the service lists. */
    public static List<String> environments() {
        return given().auth().oauth2(HostServices.TOKEN).get("/api/environments").then().statusCode(200).extract()
                .jsonPath().getList("name", String.class);
    }

    /** DELETE /api/environments/{name}; returns the stop job's id. */
    public static String stop(String name) {
        return given().auth().oauth2(HostServices.TOKEN).delete("/api/environments/" + name).then().statusCode(202)
                .extract().jsonPath().getString("job");
    }

    /**
     * The series of one meter from {@code /q/metrics}, by the value of one of its labels (the
     * meter's registry outlives one test's application: compare values before and after).
     */
    public static java.util.Map<String, Double> meter(String name, String label) {
        java.util.Map<String, Double> byLabel = new java.util.TreeMap<>();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{([^}]*)})? (\\S+)$")
                .matcher(given().get("/q/metrics").then().statusCode(200).extract().asString());
        while (m.find()) {
            Matcher value = Pattern.compile(Pattern.quote(label) + "=\"([^\"]*)\"").matcher(m.group(1) == null ? "" : m.group(1));
            byLabel.merge(value.find() ? value.group(1) : "", Double.parseDouble(m.group(2)), Double::sum);
        }
        return byLabel;
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
