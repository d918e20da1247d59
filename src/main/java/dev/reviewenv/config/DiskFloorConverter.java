package dev.reviewenv.config;

import org.eclipse.microprofile.config.spi.Converter;

/** Lets configuration keys hold a {@link DiskFloor}; a bad value names the accepted forms. */
public class DiskFloorConverter implements Converter<DiskFloor> {
    @Override
    public DiskFloor convert(String value) {
        return DiskFloor.parse(value);
    }
}
