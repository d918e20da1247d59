package dev.reviewenv.engine.docker;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Linux bridges of review environments' networks are named {@code rvenv} and 10 hex characters
 * of the SHA-256 of the network's name (an interface name holds at most 15). The host's firewall
 * ({@code deploy/isolation.nft}) drops every new connection from an interface of that prefix to the
 * host itself: review containers reach neither reviewenv's port nor any other service of the host.
 */
public final class Bridges {
    /** The bridge driver's option that names the Linux bridge of a network. */
    public static final String NAME_OPTION = "com.docker.network.bridge.name";
    /** What every review environment's bridge is called at first; nothing else of Docker's is. */
    public static final String PREFIX = "rvenv";

    private Bridges() {
    }

    /** The bridge of the Docker network {@code network}. */
    public static String nameFor(String network) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(network.getBytes(StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(digest).substring(0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
