package dev.reviewenv.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The least free space Docker's data root may have, as a share of its file system ({@code 10%}) or
 * a size ({@code 20g}).
 */
public record DiskFloor(int percent, long bytes) {
    private static final Pattern PERCENT = Pattern.compile("(\\d{1,2})%");

    public static DiskFloor parse(String value) {
        Matcher m = PERCENT.matcher(value == null ? "" : value.strip());
        if (m.matches()) {
            int p = Integer.parseInt(m.group(1));
            if (p < 1) {
                throw new IllegalArgumentException("'" + value + "' is no floor; write a share from 1% to 99%, or a size (20g)");
            }
            return new DiskFloor(p, 0);
        }
        try {
            return new DiskFloor(0, ByteSize.parse(value).bytes());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + value + "' is not a floor: write a share of the disk (10%) or a size (20g)");
        }
    }

    /** The free bytes this floor asks for on a file system of {@code total} bytes. */
    public long bytesOf(long total) {
        return percent > 0 ? total / 100 * percent : bytes;
    }

    @Override
    public String toString() {
        return percent > 0 ? percent + "%" : new ByteSize(bytes).toString();
    }
}
