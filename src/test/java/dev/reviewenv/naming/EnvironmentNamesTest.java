package dev.reviewenv.naming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EnvironmentNamesTest {

    static String sha6(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8))).substring(0, 6);
    }

    @ParameterizedTest
    @CsvSource({
        "refs/heads/Feature/Login_Page-42, feature-login-page-42",
        "refs/heads/main, main",
        "refs/heads/feature/foo, feature-foo",
        "refs/heads/feature.foo, feature-foo",
        "refs/heads/--Fix--  Bug__, fix-bug",
        "refs/heads/release/1.2.3, release-1-2-3",
        "refs/heads/UPPER, upper",
        "refs/heads/a//b..c, a-b-c",
    })
    void slugIsLowercaseWithRunsOfOtherCharactersAsOneDash(String ref, String slug) {
        assertEquals(slug, EnvironmentNames.slug(ref));
    }

    @Test
    void aBranchThatNeedsCuttingEndsInTheHashOfItsFullRef() throws Exception {
        String ref = "refs/heads/" + "very-long-branch-name-".repeat(5);
        String slug = EnvironmentNames.slug(ref);
        assertEquals(63, slug.length(), slug);
        assertTrue(slug.endsWith("-" + sha6(ref)), slug);
        assertTrue(EnvironmentNames.isValid(slug));
    }

    @Test
    void aSlugOfExactly63CharactersIsKeptWhole() {
        String branch = "a".repeat(63);
        assertEquals(branch, EnvironmentNames.slug("refs/heads/" + branch));
        String longer = "a".repeat(64);
        assertNotEquals(longer.substring(0, 63), EnvironmentNames.slug("refs/heads/" + longer));
    }

    @ParameterizedTest
    @ValueSource(strings = {"refs/heads/---", "refs/heads/ä", "refs/heads/日本語", "refs/heads/.."})
    void aBranchWithNothingLeftGetsAHashedName(String ref) throws Exception {
        String slug = EnvironmentNames.slug(ref);
        assertTrue(slug.endsWith("-" + sha6(ref)), slug);
        assertTrue(EnvironmentNames.isValid(slug), slug);
    }

    @Test
    void theSameBranchAlwaysGivesTheSameSlugAndDifferentLongOnesDiffer() {
        String a = "refs/heads/" + "x".repeat(80) + "a";
        String b = "refs/heads/" + "x".repeat(80) + "b";
        assertEquals(EnvironmentNames.slug(a), EnvironmentNames.slug(a));
        assertNotEquals(EnvironmentNames.slug(a), EnvironmentNames.slug(b));
    }

    @Test
    void aPrefixCountsTowardsThe63Characters() {
        String name = EnvironmentNames.name("shop-", "refs/heads/" + "b".repeat(70));
        assertEquals(63, name.length());
        assertTrue(name.startsWith("shop-bbb"));
        assertEquals("shop-feature-x", EnvironmentNames.name("shop-", "refs/heads/feature/X"));
    }

    @Test
    void aNameHeldByAnotherBranchGetsASuffixOfRepositoryAndRef() throws Exception {
        String taken = EnvironmentNames.name("", "refs/heads/feature.foo");
        String other = EnvironmentNames.disambiguated(taken, "team/shop", "refs/heads/feature.foo");
        assertEquals("feature-foo-" + sha6("team/shop\nrefs/heads/feature.foo"), other);
        String otherRepo = EnvironmentNames.disambiguated(taken, "team/blog", "refs/heads/feature.foo");
        assertNotEquals(other, otherRepo);
        String longOne = EnvironmentNames.disambiguated("c".repeat(63), "r", "refs/heads/x");
        assertEquals(63, longOne.length());
    }

    @Test
    void everyNameIsADnsLabelAndAComposeProjectName() {
        for (String branch : List.of("Feature/Login_Page-42", "ÜBER/straße", "-", "a".repeat(300), "x/../../etc/passwd",
                "{{ .Env.SECRET }}", "name with spaces", "ends-with-dash-", "$(rm -rf /)", "UPPER.lower_Mixed")) {
            String name = EnvironmentNames.slug("refs/heads/" + branch);
            assertTrue(name.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"), branch + " -> " + name);
        }
    }

    @Test
    void theUpstreamIsServiceDotNameSoTwoEnvironmentsCannotSpellTheSameOne() {
        assertEquals("web.feature-x", EnvironmentNames.upstreamHost(EnvironmentName.of("feature-x"), "web"));
        // <name>-<service> was the same for sq/b-web and sq-b/web; <service>.<name> is not.
        assertEquals("sq-b-web", EnvironmentNames.legacyUpstreamHost(EnvironmentName.of("sq"), "b-web"));
        assertEquals("sq-b-web", EnvironmentNames.legacyUpstreamHost(EnvironmentName.of("sq-b"), "web"));
        assertNotEquals(EnvironmentNames.upstreamHost(EnvironmentName.of("sq"), "b-web"),
                EnvironmentNames.upstreamHost(EnvironmentName.of("sq-b"), "web"));
        String longName = "a".repeat(63);
        assertEquals("web." + longName, EnvironmentNames.legacyUpstreamHost(EnvironmentName.of(longName), "web"));
    }

    @Test
    void aBuiltImageIsNameSlashServiceColonCommit() {
        assertEquals("sq/b-web:abc", EnvironmentNames.builtImage(EnvironmentName.of("sq"), "b-web", "abc"));
        assertEquals("sq-b/web:abc", EnvironmentNames.builtImage(EnvironmentName.of("sq-b"), "web", "abc"));
        assertEquals("x/api_v2", EnvironmentNames.builtImageRepository(EnvironmentName.of("x"), "api_v2"));
        // Names Docker would not take as an image path are made into one, distinct per service.
        String web = EnvironmentNames.builtImageRepository(EnvironmentName.of("x"), "Web");
        String web2 = EnvironmentNames.builtImageRepository(EnvironmentName.of("x"), "WEB");
        assertTrue(web.matches("x/web-[0-9a-f]{6}"), web);
        assertNotEquals(web, web2);
        assertTrue(EnvironmentNames.builtImageRepository(EnvironmentName.of("x"), "_w..b").matches("x/w-b-[0-9a-f]{6}"));
    }

    @Test
    void theBranchOfARefDropsRefsHeads() {
        assertEquals("feature/x", EnvironmentNames.branchOf("refs/heads/feature/x"));
    }

    @Test
    void aPullRequestsHeadIsNamedPrAndItsNumberAfterThePrefix() {
        assertEquals("pr-7", EnvironmentNames.name("", "refs/pull/7/head"));
        assertEquals("shop-pr-12", EnvironmentNames.name("shop-", "refs/merge-requests/12/head"));
        Branch request = Branch.pullRequest("team/shop", 7, false);
        assertEquals("refs/pull/7/head", request.ref());
        assertEquals(7, request.pullRequest().getAsLong());
        assertEquals("pr-7", request.name());
        assertTrue(new Branch("team/shop", "refs/heads/pr-7").pullRequest().isEmpty(), "a branch named pr-7 is a branch");
        for (String ref : new String[] {"refs/pull/0/head", "refs/pull/7/merge", "refs/pull/x/head", "refs/tags/v1"}) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new Branch("team/shop", ref), ref);
        }
    }

    @org.junit.jupiter.api.Test
    void theLoopThatChecksANameSaysWhatThePatternSays() {
        java.util.Random random = new java.util.Random(20261202);
        String alphabet = "abz09-_A.";
        for (int n = 0; n < 200_000; n++) {
            StringBuilder name = new StringBuilder();
            int length = random.nextInt(n % 10 == 0 ? 70 : 8);
            for (int i = 0; i < length; i++) {
                name.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String s = name.toString();
            assertEquals(EnvironmentNames.VALID.matcher(s).matches(), EnvironmentNames.isValid(s), "'" + s + "'");
        }
        for (String s : java.util.List.of("a", "0", "a-b", "a".repeat(63), "a".repeat(64), "-a", "a-", "", "a--b")) {
            assertEquals(EnvironmentNames.VALID.matcher(s).matches(), EnvironmentNames.isValid(s), "'" + s + "'");
        }
    }
}
