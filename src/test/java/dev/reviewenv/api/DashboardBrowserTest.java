package dev.reviewenv.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.testsupport.Api;
import dev.reviewenv.testsupport.HostServices;
import dev.reviewenv.testsupport.ServiceUnderTest;
import dev.reviewenv.testsupport.Stack;
import dev.reviewenv.testsupport.Stacks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium (Debian's chromium and chromedriver, driven by
 * Selenium): sign in, see a real environment, open its live log, Extend it and Stop it, and see
 * what changed on disk and in Docker. The page is saved as target/dashboard.png.
 */
@QuarkusTest
@WithTestResource(HostServices.class)
class DashboardBrowserTest {
    @RegisterExtension
    final ServiceUnderTest sut = ServiceUnderTest.repository("team/shop");

    String side;
    WebDriver browser;
    Path profile;

    @BeforeEach
    void setUp() throws Exception {
        side = sut.sideImage();
        profile = Files.createTempDirectory("chromium-profile");
        sut.cleanUp("rm", "-rf", profile.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--window-size=1280,900", "--user-data-dir=" + profile);
        ChromeDriverService driver = new ChromeDriverService.Builder().usingDriverExecutable(new java.io.File("/usr/bin/chromedriver"))
                .usingAnyFreePort().build();
        browser = new ChromeDriver(driver, options);
    }

    @AfterEach
    void tearDown() {
        if (browser != null) {
            browser.quit();
        }
    }

    WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    @Test
    void aReviewerSignsInSeesTheEnvironmentFollowsItsLogExtendsItAndStopsIt() throws Exception {
        sut.git().branch("feature/board").file("docker-compose.yml", Stack.compose("web", side)).file("web/Dockerfile", Stack.dockerfile("board"));
        sut.git().commit("board");
        String commit = Api.succeeded(Api.startedJob(sut.git().push("feature/board"))).getString("revision");

        browser.get(sut.url());
        waiting().until(ExpectedConditions.urlContains("/login"));
        browser.findElement(By.id("token")).sendKeys(HostServices.TOKEN);
        browser.findElement(By.id("signin-button")).click();
        WebElement row = waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-name='feature-board']")));
        String text = row.getText();
        assertTrue(text.contains("team/shop") && text.contains("feature/board") && text.contains(commit.substring(0, 8))
                && text.contains("running"), text);
        assertTrue(!browser.getPageSource().contains(HostServices.TOKEN), "the token is not in the page");
        assertTrue(browser.manage().getCookieNamed(Sessions.COOKIE).isHttpOnly(), "the session cookie is HttpOnly");

        row.findElement(By.cssSelector("button.log")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "is up at http://feature-board.localhost"));

        Path removeat = sut.home().resolve(".reviewenv/feature-board/removeat");
        String before = Files.readString(removeat).trim();
        new Select(row.findElement(By.cssSelector("select.lifetime"))).selectByValue("2d");
        row.findElement(By.cssSelector("button.extend")).click();
        waiting().until(d -> {
            try {
                return !Files.readString(removeat).trim().equals(before);
            } catch (java.io.IOException e) {
                return false;
            }
        });
        long expected = Instant.now().plus(Duration.ofDays(2)).getEpochSecond();
        assertTrue(Math.abs(Long.parseLong(Files.readString(removeat).trim()) - expected) < 60, "removeat is now + 2d");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("tr[data-name='feature-board'] td.expires"), "2 d"));

        Path shot = Path.of("target", "dashboard.png");
        Files.createDirectories(shot.getParent());
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);

        browser.findElement(By.cssSelector("tr[data-name='feature-board'] button.stop")).click();
        waiting().until(ExpectedConditions.alertIsPresent()).accept();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "environment feature-board removed (manual)"));
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("endings"), "feature-board: manual"));
        waiting().until(d -> d.findElements(By.cssSelector("tr[data-name='feature-board']")).isEmpty());
        assertEquals(List.of(), Stacks.leftovers("feature-board"), "gone from Docker");
    }

    @Test
    void nothingOfTheDashboardIsServedWithoutASignInAndACrossSiteRequestIsRefused() {
        given().redirects().follow(false).get("/").then().statusCode(303).header("Location", org.hamcrest.Matchers.endsWith("/login"));
        given().redirects().follow(false).get("/app.js").then().statusCode(303);
        given().get("/api/environments").then().statusCode(401);
        given().redirects().follow(false).formParam("token", "wrong").post("/login").then().statusCode(401);
        String cookie = given().redirects().follow(false).formParam("token", HostServices.TOKEN).post("/login").then().statusCode(303)
                .extract().cookie(Sessions.COOKIE);
        given().cookie(Sessions.COOKIE, cookie).get("/api/environments").then().statusCode(200);
        given().cookie(Sessions.COOKIE, cookie).get("/").then().statusCode(200);
        given().cookie(Sessions.COOKIE, cookie).contentType("application/json").body("{\"lifetime\":\"1d\"}")
                .post("/api/environments/none/extend").then().statusCode(403);
        given().cookie(Sessions.COOKIE, cookie + "x").get("/api/environments").then().statusCode(401);
    }
}
