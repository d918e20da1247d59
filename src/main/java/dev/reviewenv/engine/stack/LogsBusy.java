package dev.reviewenv.engine.stack;

/** More log streams are open than the engine keeps at once; the reader may try again when others have ended. */
public class LogsBusy extends RuntimeException {
    public LogsBusy(String message) {
        super(message);
    }
}
