package dev.reviewenv.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.reviewenv.testsupport.HostServices;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
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
    void quarkusEndpointsAnswer() {
        given().get("/q/health").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_"));
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/push"));
        given().auth().oauth2(HostServices.TOKEN).get("/api/environments").then().statusCode(200).body("size()", notNullValue());
    }

    static io.restassured.response.Response push(String body) {
        return given().auth().oauth2(HostServices.TOKEN).contentType(ContentType.JSON).body(body).post("/api/push");
    }
}
