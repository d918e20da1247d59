package dev.reviewenv.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class CloneUrlTest {
    static String refusal(String url, boolean token) {
        return assertThrows(IllegalArgumentException.class, () -> CloneUrl.parse(url, token)).getMessage();
    }

    @Test
    void aTokenCrossesANetworkOnlyOverHttps() {
        assertEquals("https://git.example.com/team/shop.git", CloneUrl.parse("https://git.example.com/team/shop.git", true).toString());
        assertTrue(refusal("http://git.example.com/team/shop.git", true).contains("never sent over plain http://"));
        assertTrue(CloneUrl.parse("http://git.example.com/team/shop.git", false).uri().getHost().equals("git.example.com"));
        assertTrue(CloneUrl.parse("http://127.0.0.1:3000/team/shop.git", true).loopback());
        assertTrue(CloneUrl.parse("http://[::1]:3000/team/shop.git", true).loopback());
        assertTrue(CloneUrl.parse("http://localhost:3000/team/shop.git", true).loopback());
        assertFalse(CloneUrl.parse("https://127.0.0.1.example.com/x.git", true).loopback(), "a name is not an address");
    }

    @Test
    void credentialsInTheUrlAndOtherSchemesAreRefusedWithWhatToWrite() {
        assertTrue(refusal("https://oauth2:secret@gitlab.example.com/team/shop.git", true).contains("put the token in clone-token"));
        assertTrue(refusal("file:///srv/git/team/shop.git", false).contains("not an https:// URL"));
        assertTrue(refusal("ssh://git@gitea.example.com/team/shop.git", false).contains("SSH"));
        assertTrue(refusal("git@github.com:team/shop.git", false).contains("SSH"));
    }

    @Test
    void theUserSentWithATokenIsWhatTheForgeExpects() {
        assertEquals(Optional.of("x-access-token"), CloneUrl.parse("https://github.com/team/shop.git", true).tokenUser(Optional.empty()));
        assertEquals(Optional.of("oauth2"), CloneUrl.parse("https://gitlab.example.com/team/shop.git", true).tokenUser(Optional.empty()));
        assertEquals(Optional.empty(), CloneUrl.parse("https://gitea.example.com/team/shop.git", true).tokenUser(Optional.empty()));
        assertEquals(Optional.of("bot"), CloneUrl.parse("https://github.com/team/shop.git", true).tokenUser(Optional.of("bot")));
    }
}
