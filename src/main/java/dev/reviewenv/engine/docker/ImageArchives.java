package dev.reviewenv.engine.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * docker-archives ({@code docker save}'s format) as the builder writes them: read without following
 * a link, and given exactly one tag. The builder is untrusted output's neighbour, so the names an
 * archive carries are never the ones Docker applies.
 */
final class ImageArchives {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The most a manifest may take; one image's is a few hundred bytes. */
    private static final int MAX_MANIFEST = 1 << 20;

    private ImageArchives() {
    }

    /**
     * Copies {@code archive} to {@code out} with its manifest naming {@code tag} alone and without a
     * {@code repositories} file. Fails when the archive is not a regular file, or holds other than one image.
     */
    static void retag(Path archive, Path out, String tag) throws IOException {
        if (!Files.isRegularFile(archive, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(archive + " is not a file the builder wrote");
        }
        boolean manifest = false;
        try (InputStream raw = Files.newInputStream(archive, LinkOption.NOFOLLOW_LINKS);
                TarArchiveInputStream in = new TarArchiveInputStream(raw);
                OutputStream file = Files.newOutputStream(out);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(file)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            TarArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                String name = entry.getName().replaceFirst("^\\./", "");
                if (name.equals("repositories")) {
                    continue;
                }
                if (name.equals("manifest.json")) {
                    byte[] rewritten = manifest(readBounded(in), tag);
                    TarArchiveEntry e = new TarArchiveEntry("manifest.json");
                    e.setSize(rewritten.length);
                    tar.putArchiveEntry(e);
                    tar.write(rewritten);
                    tar.closeArchiveEntry();
                    manifest = true;
                    continue;
                }
                tar.putArchiveEntry(entry);
                if (entry.isFile()) {
                    in.transferTo(tar);
                }
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
        if (!manifest) {
            throw new IOException("the builder's archive has no manifest.json");
        }
    }

    private static byte[] manifest(byte[] text, String tag) throws IOException {
        JsonNode doc = JSON.readTree(text);
        if (!(doc instanceof ArrayNode images) || images.size() != 1 || !(images.get(0) instanceof ObjectNode image)) {
            throw new IOException("the builder's archive must hold exactly one image");
        }
        ArrayNode tags = image.putArray("RepoTags");
        tags.add(tag);
        return JSON.writeValueAsString(images).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] readBounded(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        int n;
        while ((n = in.read(chunk)) > 0) {
            buf.write(chunk, 0, n);
            if (buf.size() > MAX_MANIFEST) {
                throw new IOException("the builder's manifest.json is larger than " + MAX_MANIFEST + " bytes");
            }
        }
        return buf.toByteArray();
    }
}
