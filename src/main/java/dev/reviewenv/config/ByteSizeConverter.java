package dev.reviewenv.config;

import org.eclipse.microprofile.config.spi.Converter;

/** Lets configuration keys hold a {@link ByteSize}; a bad value names the accepted forms. */
public class ByteSizeConverter implements Converter<ByteSize> {
    @Override
    public ByteSize convert(String value) {
        return ByteSize.parse(value);
    }
}
