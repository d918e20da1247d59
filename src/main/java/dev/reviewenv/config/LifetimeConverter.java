package dev.reviewenv.config;

import org.eclipse.microprofile.config.spi.Converter;

/** Lets configuration keys hold a {@link Lifetime}; a bad value names the accepted forms. */
public class LifetimeConverter implements Converter<Lifetime> {
    @Override
    public Lifetime convert(String value) {
        return Lifetime.parse(value);
    }
}
