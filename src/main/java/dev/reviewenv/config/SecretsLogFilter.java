package dev.reviewenv.config;

import io.quarkus.logging.LoggingFilter;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import org.jboss.logmanager.ExtLogRecord;

/**
 * The service log's mask ({@code quarkus.log.*.filter=reviewenv-secrets}): every record is written
 * with the values of {@link Secrets} replaced, whoever logged it.
 */
@LoggingFilter(name = "reviewenv-secrets")
public final class SecretsLogFilter implements Filter {
    @Override
    public boolean isLoggable(LogRecord record) {
        Secrets.current().ifPresent(secrets -> {
            String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
            String masked = secrets.mask(message);
            if (masked != null && !masked.equals(message)) {
                if (record instanceof ExtLogRecord ext) {
                    ext.setMessage(masked, ExtLogRecord.FormatStyle.NO_FORMAT);
                } else {
                    record.setMessage(masked);
                }
                record.setParameters(null);
            }
        });
        return true;
    }
}
