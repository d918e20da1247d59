package dev.reviewenv.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class CloneUrlTest {
    static String refusal(String url, boolean token) {
        return assertThrows(IllegalArgumentException.class, () -> CloneUrl.parse(url, token, false)).getMessage();
    }

    @Test
    void aTokenCrossesANetworkOnlyOverHttps() {
        assertEquals("https://git.example.com/team/shop.git", CloneUrl.parse("https://git.example.com/team/shop.git", true, false).toString());
        assertTrue(refusal("http://git.example.com/team/shop.git", true).contains("never sent over plain http://"));
        assertTrue(CloneUrl.parse("http://git.example.com/team/shop.git", false, false).uri().getHost().equals("git.example.com"));
        assertTrue(CloneUrl.parse("http://127.0.0.1:3000/team/shop.git", true, false).loopback());
        assertTrue(CloneUrl.parse("http://[::1]:3000/team/shop.git", true, false).loopback());
        assertTrue(CloneUrl.parse("http://localhost:3000/team/shop.git", true, false).loopback());
        assertFalse(CloneUrl.parse("https://127.0.0.1.example.com/x.git", true, false).loopback(), "a name is not an address");
    }

    @Test
    void credentialsInTheUrlAndOtherSchemesAreRefusedWithWhatToWrite() {
        assertTrue(refusal("https://oauth2:secret@gitlab.example.com/team/shop.git", true).contains("put the token in clone-token"));
        assertTrue(refusal("file:///srv/git/team/shop.git", false).contains("not an https:// or ssh:// URL"));
        assertTrue(refusal("ssh://git@gitea.example.com/team/shop.git", false).contains("set clone-key"));
        assertTrue(refusal("git@github.com:team/shop.git", false).contains("set clone-key"));
        assertEquals("ssh://git@github.com/team/shop.git", CloneUrl.parse("git@github.com:team/shop.git", false, true).toString());
        assertTrue(CloneUrl.parse("ssh://git@gitea.example.com:2222/team/shop.git", false, true).ssh());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CloneUrl.parse("ssh://git:pw@gitea.example.com/x.git", false,
                true)).getMessage().contains("credentials"));
    }

    @Test
    void theUserSentWithATokenIsWhatTheForgeExpects() {
        assertEquals(Optional.of("x-access-token"), CloneUrl.parse("https://github.com/team/shop.git", true, false).tokenUser(Optional.empty()));
        assertEquals(Optional.of("oauth2"), CloneUrl.parse("https://gitlab.example.com/team/shop.git", true, false).tokenUser(Optional.empty()));
        assertEquals(Optional.empty(), CloneUrl.parse("https://gitea.example.com/team/shop.git", true, false).tokenUser(Optional.empty()));
        assertEquals(Optional.of("bot"), CloneUrl.parse("https://github.com/team/shop.git", true, false).tokenUser(Optional.of("bot")));
    }
}
