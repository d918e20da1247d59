package dev.reviewenv.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.testsupport.HostServices;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The HTTP contract: bearer token, JSON errors with the right status, Quarkus endpoints. */
@QuarkusTest
@WithTestResource(HostServices.class)
class ApiContractTest {

    @Test
    void everyApiCallNeedsTheBearerToken() {
        given().get("/api/environments").then().statusCode(401).contentType(ContentType.JSON)
                .body("error", equalTo("unauthorized")).body("detail", containsString("Bearer"));
        given().auth().oauth2("wrong-token-but-long-enough").get("/api/environments").then().statusCode(401);
        given().auth().oauth2(HostServices.TOKEN).get("/api/environments").then().statusCode(200);
        given().contentType(ContentType.JSON).body("{}").post("/api/push").then().statusCode(401);
    }

    @Test
    void unknownThingsAre404WithAJsonError() {
        given().auth().oauth2(HostServices.TOKEN).get("/api/environments/nope").then().statusCode(404)
                .body("error", equalTo("not found")).body("detail", containsString("nope"));
        given().auth().oauth2(HostServices.TOKEN).delete("/api/environments/nope").then().statusCode(404);
        given().auth().oauth2(HostServices.TOKEN).get("/api/environments/..%2F..%2Fetc").then().statusCode(404);
        given().auth().oauth2(HostServices.TOKEN).get("/api/jobs/00000000-0000-0000-0000-000000000000").then().statusCode(404)
                .body("error", equalTo("not found"));
        given().auth().oauth2(HostServices.TOKEN).get("/api/jobs/not-a-uuid/log").then().statusCode(404);
    }

    @Test
    void badPushesAreRefusedWithWhatWasWrong() {
        push("{not json").then().statusCode(400).body("error", equalTo("bad request"));
        push("""
                {"repository":"../../etc","ref":"refs/heads/x","before":"%s","after":"%s"}""".formatted("0".repeat(40), "1".repeat(40)))
                .then().statusCode(404).body("error", equalTo("unknown repository"));
        push("""
                {"repository":"/etc/passwd","ref":"refs/heads/x","before":"%s","after":"%s"}""".formatted("0".repeat(40), "1".repeat(40)))
                .then().statusCode(404).body("detail", containsString("outside the git root"));
        push("""
                {"repository":"team/none","ref":"refs/heads/x","before":"%s","after":"%s"}""".formatted("0".repeat(40), "1".repeat(40)))
                .then().statusCode(404).body("detail", containsString("git init --bare"));
    }

    @Test
    void noPathSlipsPastTheTokenThroughAnOpenPrefix() throws IOException {
        // Sent as raw request lines: a client library would tidy the dots away before they reach the service.
        for (String path : List.of("/q/../api/environments", "/q/%2e%2e/api/environments", "/q/..%2fapi/environments",
                "/extend/../api/environments", "/extend/x/../../api/environments", "/wake/../api/environments",
                "/wake/x/../../api/environments", "/wake/%2e%2e/api/environments", "/api/webhooks/../environments",
                "/api/webhooks/%2E%2E/environments", "/api/webhooks/..;/environments", "/login/../api/environments",
                "//api/environments", "/./api/environments", "/API/environments", "/q/./../api/environments")) {
            String status = rawGet(path);
            // 303 is the way to the sign-in page (a path that is not the API's is the dashboard's).
            assertTrue(status.matches("HTTP/1\\.1 (400|401|404|303) .*"), path + " answered " + status);
        }
        assertTrue(rawGet("/api/environments").startsWith("HTTP/1.1 401"), "the baseline is refused");
    }

    private static String rawGet(String path) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    @Test
    void quarkusEndpointsAnswer() {
        given().get("/q/health").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_"));
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/push"));
        given().auth().oauth2(HostServices.TOKEN).get("/api/environments").then().statusCode(200).body("size()", notNullValue());
    }

    @Test
    void theServiceLogsOperationIsDescribedWithItsParametersAndAnswers() {
        io.restassured.path.json.JsonPath doc = given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .extract().jsonPath();
        String op = "paths.'/api/environments/{name}/logs'.get";
        List<String> parameters = doc.getList(op + ".parameters.name", String.class);
        assertTrue(parameters.containsAll(List.of("name", "service", "tail", "follow", "since")), parameters.toString());
        assertTrue(doc.getString(op + ".parameters.find { it.name == 'tail' }.schema.maximum").startsWith("10000"), "tail's bound");
        assertTrue(doc.getString(op + ".parameters.find { it.name == 'since' }.schema.pattern").contains("[smhd]"), "since's forms");
        for (String status : List.of("200", "400", "401", "404")) {
            assertTrue(doc.getMap(op + ".responses").containsKey(status), status + " is described");
        }
        assertTrue(doc.getMap(op + ".responses.'200'.content").containsKey("text/plain"), "the lines are text");
        assertTrue(doc.getMap(op + ".responses.'200'.headers").containsKey(ServiceLogsResource.SERVICES), "the services header");
    }

    static io.restassured.response.Response push(String body) {
        return given().auth().oauth2(HostServices.TOKEN).contentType(ContentType.JSON).body(body).post("/api/push");
    }
}
