package dev.reviewenv.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A number of bytes as configuration writes it: {@code 512m}, {@code 20g}, {@code 1024k}, {@code 0}. */
public record ByteSize(long bytes) {
    private static final Pattern FORM = Pattern.compile("(\\d{1,15})([kmgt]?)b?");

    public static ByteSize parse(String value) {
        Matcher m = FORM.matcher(value == null ? "" : value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + value + "' is not a size: write a whole number with k, m, g or t (512m, 20g)");
        }
        long n = Long.parseLong(m.group(1));
        int shift = shift(m.group(2));
        if (n > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("'" + value + "' is too large");
        }
        return new ByteSize(n << shift);
    }

    /** The power of two a unit letter stands for: {@code k} 10, {@code m} 20, {@code g} 30, {@code t} 40, none 0. */
    public static int shift(String unit) {
        return switch (unit) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
    }

    @Override
    public String toString() {
        for (String[] unit : new String[][] {{"t", "40"}, {"g", "30"}, {"m", "20"}, {"k", "10"}}) {
            int shift = Integer.parseInt(unit[1]);
            if (bytes != 0 && bytes % (1L << shift) == 0) {
                return (bytes >> shift) + unit[0];
            }
        }
        return Long.toString(bytes);
    }
}
