package dev.reviewenv.naming;

import java.util.Arrays;
import java.util.Locale;

/**
 * The keys of the enums that are words of the contract (statuses, actions): a constant's name in
 * lower case, its words joined by {@code -} ({@code TEARDOWN_FAILED} is {@code teardown-failed}).
 * Made here once, so no enum spells its keys, and no reader its own lookup.
 */
public final class Keys {
    private Keys() {
    }

    /** The key of a constant. */
    public static String of(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The constant of {@code type} whose key is {@code key}; throws naming {@code what} and every key for any other word. */
    public static <E extends Enum<E>> E parse(Class<E> type, String key, String what) {
        E[] all = type.getEnumConstants();
        return Arrays.stream(all).filter(e -> of(e).equals(key)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "no " + what + " '" + key + "' (one of " + Arrays.stream(all).map(Keys::of).toList() + ")"));
    }
}
