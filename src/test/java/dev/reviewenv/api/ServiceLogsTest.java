package dev.reviewenv.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.testsupport.Api;
import dev.reviewenv.testsupport.HostServices;
import dev.reviewenv.testsupport.ServiceUnderTest;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * {@code GET /api/environments/{name}/logs} against real containers: a service that prints a
 * numbered line five times a second and a web service that says one line, each line
 * {@code <service> | <timestamp> <text>}; tail, since, the service filter, following new lines,
 * the Docker streams closed (and their threads ended) when the client goes, a reader that does not
 * read dropped at its queue's bound, an operator's variable masked, the errors, and the dashboard's
 * live Logs view in Chromium.
 */
@QuarkusTest
@WithTestResource(value = HostServices.class, initArgs = @ResourceArg(name = "config",
        value = "reviewenv.repositories.\"team/logs\".variables.LOG_SECRET=" + ServiceLogsTest.SECRET))
class ServiceLogsTest {
    static final String SECRET = "Operator-Value-4711";
    private static final Pattern LINE = Pattern.compile("^(web|ticker|flood) \\| (\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z) (.*)$");
    private static final Pattern TICK = Pattern.compile("line (\\d+)$");

    @RegisterExtension
    final ServiceUnderTest sut = ServiceUnderTest.repository("team/logs");

    @Inject
    ServiceLogStream stream;

    private String deploy(String branch, String extraService) {
        String side = sut.sideImage();
        sut.git().branch(branch).file("docker-compose.yml", """
                services:
                  web:
                    build: ./web
                    init: true
                    expose: ["8080"]
                  ticker:
                    image: %s
                    init: true
                    environment:
                      TOKEN: ${LOG_SECRET}
                    command: ["sh", "-c", "echo the token is $$TOKEN; i=0; while :; do echo line $$i; i=$$((i+1)); sleep 0.2; done"]
                %s""".formatted(side, extraService.replace("IMAGE", side)))
                .file("web/Dockerfile", """
                        FROM reviewenv/busybox:local
                        RUN mkdir -p /www && echo hi > /www/index.html
                        CMD ["sh", "-c", "echo web says hello >&2; exec httpd -f -p 8080 -h /www"]
                        """);
        sut.git().commit(branch);
        Api.succeeded(Api.startedJob(sut.git().push(branch)));
        return branch.replace('/', '-');
    }

    private static String logs(String name, String query) {
        return given().auth().oauth2(HostServices.TOKEN).get("/api/environments/" + name + "/logs?" + query).then().statusCode(200)
                .extract().asString();
    }

    private static List<String> lines(String body) {
        return body.lines().filter(l -> !l.isEmpty()).toList();
    }

    private static int tick(String line) {
        Matcher m = TICK.matcher(line);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    @Test
    void theLogsOfAnEnvironmentArePrefixedStampedTailedFilteredFollowedMaskedAndClosedWithTheClient() throws Exception {
        String name = deploy("feature/logs", "");
        eventually(() -> lines(logs(name, "follow=false&service=ticker")).size() >= 12, "the ticker printed a dozen lines");

        String all = logs(name, "follow=false");
        for (String line : lines(all)) {
            assertTrue(LINE.matcher(line).matches(), "prefixed and stamped: " + line);
        }
        assertTrue(all.contains("web | ") && all.contains(" web says hello"), "stderr of web is there:\n" + all);
        assertTrue(all.contains("ticker | ") && all.contains(" line 3"), all);
        assertTrue(all.contains("ticker | ") && all.contains(" the token is " + dev.reviewenv.config.Secrets.MASK), all);
        assertFalse(all.contains(SECRET), "the operator's value never shows");

        List<String> three = lines(logs(name, "follow=false&tail=3&service=ticker"));
        assertEquals(3, three.size(), three.toString());
        assertTrue(three.stream().allMatch(l -> l.startsWith("ticker | ")), three.toString());
        assertTrue(tick(three.get(2)) == tick(three.get(1)) + 1 && tick(three.get(1)) == tick(three.get(0)) + 1, three.toString());
        List<String> web = lines(logs(name, "follow=false&service=web"));
        assertEquals(1, web.size(), web.toString());
        assertTrue(web.get(0).startsWith("web | ") && web.get(0).endsWith(" web says hello"), web.toString());

        List<String> ticker = lines(logs(name, "follow=false&service=ticker&tail=10000"));
        Matcher fifth = LINE.matcher(ticker.get(5));
        assertTrue(fifth.matches(), ticker.get(5));
        List<String> since = lines(logs(name, "follow=false&service=ticker&tail=10000&since=" + fifth.group(2)));
        assertEquals(ticker.get(5), since.get(0), "since an RFC 3339 time starts at that line");
        assertEquals(ticker.get(0), lines(logs(name, "follow=false&service=ticker&tail=10000&since=1h")).get(0), "since 1h ago: all");
        assertEquals(List.of(), lines(logs(name, "follow=false&since=" + (Instant.now().getEpochSecond() + 3600))), "since a later second");

        // Errors, each naming what to give.
        bad(name, "tail=10001", "10000");
        bad(name, "tail=many", "tail");
        bad(name, "since=yesterday", "RFC 3339");
        bad(name, "follow=maybe", "follow");
        given().auth().oauth2(HostServices.TOKEN).get("/api/environments/" + name + "/logs?service=db").then().statusCode(400)
                .body("detail", containsString("ticker, web"));
        given().auth().oauth2(HostServices.TOKEN).get("/api/environments/none-such/logs").then().statusCode(404)
                .body("error", equalTo("not found"));
        given().get("/api/environments/" + name + "/logs").then().statusCode(401);

        // Following: headers at once, the tail, then new lines; closing the connection closes Docker's streams.
        Set<Thread> before = dockerStreamThreads();
        int followingBefore = stream.following();
        int last = tick(ticker.get(ticker.size() - 1));
        Instant asked = Instant.now();
        try (Raw raw = Raw.get("/api/environments/" + name + "/logs?service=ticker&tail=1")) {
            assertTrue(raw.head.startsWith("HTTP/1.1 200"), raw.head);
            assertTrue(raw.head.contains(ServiceLogsResource.SERVICES + ": ticker, web"), raw.head);
            assertTrue(Duration.between(asked, Instant.now()).toMillis() < 3000, "the headers came at once");
            int seen = -1;
            while (seen <= last + 5) {
                String line = raw.nextLine(Duration.ofSeconds(10));
                assertTrue(LINE.matcher(line).matches() && line.startsWith("ticker | "), line);
                seen = Math.max(seen, tick(line));
            }
            assertEquals(followingBefore + 1, stream.following(), "one reader's streams are open");
        }
        Set<Thread> opened = dockerStreamThreads();
        opened.removeAll(before);
        eventually(() -> stream.following() == followingBefore, "the reader's Docker streams are closed");
        eventually(() -> opened.stream().noneMatch(Thread::isAlive), "docker-java's stream threads ended: " + opened);
    }

    @Test
    void aReaderThatReadsNothingIsDroppedAtItsQueuesBoundAndItsStreamsClosed() throws Exception {
        String name = deploy("feature/flood", """
                  flood:
                    image: IMAGE
                    init: true
                    command: ["sh", "-c", "l=%s; while :; do echo $$l; done"]
                """.formatted("x".repeat(200)));
        int droppedBefore = stream.dropped();
        int followingBefore = stream.following();
        Set<Thread> before = dockerStreamThreads();
        Raw raw = Raw.get("/api/environments/" + name + "/logs?service=flood&tail=0", 4096);
        try {
            assertTrue(raw.head.startsWith("HTTP/1.1 200"), raw.head);
            eventually(() -> stream.dropped() > droppedBefore, "the reader was dropped");
            assertTrue(stream.mostQueued() <= ServiceLogStream.QUEUE_BYTES, "the queue stayed within its bound: " + stream.mostQueued());
            Set<Thread> opened = dockerStreamThreads();
            opened.removeAll(before);
            eventually(() -> stream.following() == followingBefore, "the Docker streams were closed at the drop");
            eventually(() -> opened.stream().noneMatch(Thread::isAlive), "their threads ended");
            String rest = raw.rest(Duration.ofSeconds(60));
            // The last chunk is the dropped line, then the end of the chunked body.
            assertTrue(rest.endsWith("\r\n" + ServiceLogStream.DROPPED + "\n\r\n0\r\n\r\n"),
                    "the stream ends with the dropped line: ..." + rest.substring(Math.max(0, rest.length() - 400)));
            assertTrue(rest.length() < 64 * 1024 * 1024, "what reached the reader is bounded too: " + rest.length());
        } finally {
            raw.close();
        }
    }

    @Test
    void theDashboardShowsAServicesLinesLiveAndSwitchesService() throws Exception {
        String name = deploy("feature/board", "");
        Path profile = Files.createTempDirectory("chromium-profile");
        sut.cleanUp("rm", "-rf", profile.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--window-size=1280,900", "--user-data-dir=" + profile);
        ChromeDriverService driver = new ChromeDriverService.Builder().usingDriverExecutable(new java.io.File("/usr/bin/chromedriver"))
                .usingAnyFreePort().build();
        WebDriver browser = new ChromeDriver(driver, options);
        int followingBefore = stream.following();
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            browser.get(sut.url());
            wait.until(ExpectedConditions.urlContains("/login"));
            browser.findElement(By.id("token")).sendKeys(HostServices.TOKEN);
            browser.findElement(By.id("signin-button")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-name='" + name + "'] button.logs"))).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("svclog"), "ticker | "));
            int first = lastTick(browser.findElement(By.id("svclog")).getText());
            wait.until(d -> lastTick(d.findElement(By.id("svclog")).getText()) >= first + 5);
            assertTrue(browser.findElement(By.id("svclog")).getText().contains("web says hello"), "all services by default");
            assertFalse(browser.getPageSource().contains(SECRET), "the operator's value is not in the page");

            new Select(browser.findElement(By.id("svcservice"))).selectByValue("web");
            wait.until(d -> {
                String text = d.findElement(By.id("svclog")).getText();
                return text.contains("web says hello") && !text.contains("ticker | ");
            });
            eventually(() -> stream.following() == followingBefore + 1, "the all-services stream was closed on the change");
            browser.findElement(By.id("svcclose")).click();
            eventually(() -> stream.following() == followingBefore, "closing the view closes its stream");
        } finally {
            browser.quit();
        }
    }

    private static int lastTick(String text) {
        int last = -1;
        for (String line : text.split("\n")) {
            if (line.startsWith("ticker | ")) {
                last = Math.max(last, tick(line));
            }
        }
        return last;
    }

    private static void bad(String name, String query, String named) {
        given().auth().oauth2(HostServices.TOKEN).get("/api/environments/" + name + "/logs?" + query).then().statusCode(400)
                .body("error", equalTo("bad request")).body("detail", containsString(named));
    }

    private static Set<Thread> dockerStreamThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("docker-java-stream-"))
                .collect(Collectors.toSet());
    }

    private static void eventually(BooleanSupplier condition, String what) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within 60 s: " + what);
            }
            Api.sleep(200);
        }
    }

    /** A request over a plain socket, to read as slowly as a test likes, or not at all, and to hang up. */
    private static final class Raw implements AutoCloseable {
        final Socket socket;
        final InputStream in;
        final String head;
        private BufferedReader reader;

        private Raw(Socket socket, String head) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.head = head;
        }

        static Raw get(String path) throws IOException {
            return get(path, 0);
        }

        /** Sends the request and reads the head alone, a byte at a time; {@code receiveBuffer} > 0 makes the socket's small. */
        static Raw get(String path, int receiveBuffer) throws IOException {
            Socket socket = new Socket();
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", RestAssured.port));
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + HostServices.TOKEN
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.write(b);
            }
            return new Raw(socket, head.toString(StandardCharsets.US_ASCII));
        }

        /** The next line of the log (chunk sizes and heartbeats skipped). */
        String nextLine(Duration within) throws IOException {
            if (reader == null) {
                reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            }
            socket.setSoTimeout((int) within.toMillis());
            while (true) {
                String line = reader.readLine();
                if (line == null) {
                    throw new AssertionError("the stream ended");
                }
                if (line.contains(" | ")) {
                    return line;
                }
            }
        }

        /** Everything still to come, until the server closes the connection. */
        String rest(Duration within) throws IOException {
            socket.setSoTimeout((int) within.toMillis());
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buffer = new byte[65536];
            try {
                for (int n; (n = in.read(buffer)) >= 0;) {
                    all.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the stream did not end within " + within.toSeconds() + " s; it had " + all.size() + " bytes");
            }
            return all.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
