package dev.reviewenv.engine.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;

/**
 * Strict host key checking against the operator's {@code clone-known-hosts} file, and nothing else:
 * a forge's key is accepted only when a line of that file names the host (as {@code host} or
 * {@code [host]:port}, plain or hashed by {@code ssh-keyscan -H}) with exactly that key. An unknown
 * host or a changed key is refused; nothing is ever added to the file ("accept new" never happens).
 */
final class KnownHosts implements ServerKeyDatabase {
    private final Path file;

    KnownHosts(Path file) {
        this.file = file;
    }

    @Override
    public List<PublicKey> lookup(String connectAddress, InetSocketAddress remoteAddress, Configuration config) {
        return List.of(); // the keys are compared as OpenSSH writes them, in accept
    }

    @Override
    public boolean accept(String connectAddress, InetSocketAddress remoteAddress, PublicKey serverKey, Configuration config,
            CredentialsProvider provider) {
        String key = PublicKeyEntry.toString(serverKey);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read clone-known-hosts " + file, e);
        }
        for (String line : lines) {
            String[] parts = line.strip().split("\\s+");
            if (parts.length < 3 || parts[0].startsWith("#") || parts[0].startsWith("@")) {
                continue; // comments, and @cert-authority / @revoked markers, which are not taken here
            }
            if (names(parts[0], connectAddress) && key.equals(parts[1] + " " + parts[2])) {
                return true;
            }
        }
        return false;
    }

    /** Whether the host field of a line ({@code a,b}, or {@code |1|salt|hash}) names {@code host}. */
    static boolean names(String field, String host) {
        if (field.startsWith("|1|")) {
            String[] h = field.split("\\|");
            try {
                Mac mac = Mac.getInstance("HmacSHA1");
                mac.init(new SecretKeySpec(Base64.getDecoder().decode(h[2]), "HmacSHA1"));
                return MessageDigest.isEqual(mac.doFinal(host.getBytes(StandardCharsets.UTF_8)), Base64.getDecoder().decode(h[3]));
            } catch (GeneralSecurityException | IllegalArgumentException | ArrayIndexOutOfBoundsException malformed) {
                return false;
            }
        }
        for (String pattern : field.split(",")) {
            if (pattern.equals(host)) {
                return true;
            }
        }
        return false;
    }
}
