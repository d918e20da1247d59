package dev.reviewenv.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.quarkus.logging.Log;
import io.quarkus.vertx.http.HttpServerStart;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import io.quarkus.runtime.configuration.MemorySize;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What a client must do within bounds before the service does any work for it, answered with the
 * API's JSON error (Vert.x itself closes such a connection with an empty answer, or never):
 * a request's line and headers must arrive within {@link #HEAD_TIME} of their first byte (else
 * 408), its body within {@link #BODY_TIME} after them (else 408); the request line is at most
 * {@link #MAX_LINE} bytes (else 414) and the head at most {@link #MAX_HEAD} (else 431); a chunked
 * body whose bytes on the wire (its chunk lines counted) pass {@code quarkus.http.limits.max-body-size}
 * is refused with 413 as they arrive (a declared length is {@link BodyLimit}'s). A client that sends
 * one byte a second is dropped, not kept forever.
 *
 * <p>The head is watched on the raw bytes of each plain HTTP/1 connection, before the HTTP codec
 * (whose own, higher, limits in application.properties are then never what answers). Between the
 * end of a head and the end of that request's exchange the bytes are its body, not watched here:
 * the router's deadline covers the body, and the next head is watched again once the response ended.
 * A TLS or HTTP/2 connection is not watched (the service speaks plain HTTP/1 behind Traefik).
 */
@Singleton
public class RequestHeads {
    static final Duration HEAD_TIME = Duration.ofSeconds(10);
    static final Duration BODY_TIME = Duration.ofSeconds(30);
    static final int MAX_LINE = 4096;
    static final int MAX_HEAD = 16 * 1024;

    /** Set on a connection while a new head is expected (at first, and after each exchange ended). */
    static final AttributeKey<HeadGuard> GUARD = AttributeKey.valueOf("reviewenv.head-guard");
    private static final java.util.regex.Pattern CHUNKED = java.util.regex.Pattern.compile("\r\ntransfer-encoding:[^\r]*chunked");

    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    MemorySize maxBody;

    /** Puts a guard in front of every connection the HTTP server accepts from now on. */
    void install(@ObservesAsync HttpServerStart started, Vertx vertx) {
        int installed = 0;
        for (var server : ((VertxInternal) vertx).sharedTCPServers(io.vertx.core.http.impl.HttpServerImpl.class).values()) {
            Channel listening = serverChannel(server);
            if (listening != null && listening.pipeline().get(Acceptor.class) == null) {
                listening.pipeline().addFirst(new Acceptor(maxBody.asLongValue()));
                installed++;
            }
        }
        if (installed == 0) {
            Log.warn("no HTTP server channel found: slow or oversized request heads are bounded only by Vert.x's own limits");
        } else {
            Log.infof("request heads are watched on %d listening channel(s)", installed);
        }
    }

    /** The router's part: the body's deadline, and a new head watched once an exchange ended. */
    void bodies(@Observes Router router, Vertx vertx) {
        router.route().order(Integer.MIN_VALUE + 1).handler(ctx -> {
            HttpConnection connection = ctx.request().connection();
            if (!ctx.request().isEnded()) {
                long timer = vertx.setTimer(BODY_TIME.toMillis(), id -> {
                    if (!ctx.request().isEnded() && !ctx.response().ended()) {
                        if (ctx.response().headWritten()) {
                            connection.close(); // an answer is under way and the body still is not here: no more to say
                            return;
                        }
                        ctx.response().setStatusCode(408).putHeader("Content-Type", "application/json").putHeader("Connection", "close")
                                .end(error("request timeout", "the body did not arrive within " + BODY_TIME.toSeconds() + " s"));
                        connection.close();
                    }
                });
                ctx.addEndHandler(v -> vertx.cancelTimer(timer));
            }
            ctx.addEndHandler(v -> {
                // A body still coming (an answer given before it was read) is not a head: such a
                // connection's later heads are left to the idle timeout.
                if (ctx.request().isEnded() && connection instanceof ConnectionBase base) {
                    HeadGuard guard = base.channel().attr(GUARD).get();
                    if (guard != null) {
                        base.channel().eventLoop().execute(guard::expectHead);
                    }
                }
            });
            ctx.next();
        });
    }

    private static Channel serverChannel(Object server) {
        try {
            Class<?> base = Class.forName("io.vertx.core.net.impl.TCPServerBase");
            var field = base.getDeclaredField("bindFuture");
            field.setAccessible(true);
            Object future = field.get(server);
            return future instanceof io.vertx.core.Future<?> f && f.succeeded() && f.result() instanceof Channel c ? c : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            Log.warnf("cannot reach the HTTP server's channel (%s)", e.toString());
            return null;
        }
    }

    static String error(String error, String detail) {
        return new JsonObject().put("error", error).put("detail", detail).encode();
    }

    /** On the listening channel: gives every accepted connection its guard before Vert.x sets it up. */
    @ChannelHandler.Sharable
    static final class Acceptor extends ChannelInboundHandlerAdapter {
        private final long maxBody;

        Acceptor(long maxBody) {
            this.maxBody = maxBody;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Channel child) {
                HeadGuard guard = new HeadGuard(maxBody);
                child.attr(GUARD).set(guard);
                child.pipeline().addFirst(guard);
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** On one connection: watches each request head's length and time on the raw bytes. */
    static final class HeadGuard extends ChannelInboundHandlerAdapter {
        private final long maxBody;
        private ChannelHandlerContext ctx;
        /** The head so far, lower case, to see whether its body is chunked. */
        private final StringBuilder head = new StringBuilder();
        /** Bytes of a chunked body seen on the wire; -1 when the body is not chunked (or there is none). */
        private long chunkedBytes = -1;

        HeadGuard(long maxBody) {
            this.maxBody = maxBody;
        }
        /** Whether the bytes coming are a head (not yet its end). */
        private boolean inHead = true;
        private boolean started;
        private boolean refused;
        private int lineBytes;
        private boolean lineDone;
        private int headBytes;
        /** The last bytes seen, to find CRLF CRLF across reads. */
        private int tail;
        private ScheduledFuture<?> deadline;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        /** The exchange ended: what comes next is a new head (runs on the connection's event loop). */
        void expectHead() {
            if (ctx == null || refused || ctx.isRemoved()) {
                return;
            }
            inHead = true;
            started = false;
            head.setLength(0);
            chunkedBytes = -1;
            lineBytes = 0;
            lineDone = false;
            headBytes = 0;
            tail = 0;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (refused) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (!(msg instanceof ByteBuf bytes)) {
                ctx.fireChannelRead(msg);
                return;
            }
            if (!inHead) {
                if (chunkedBytes >= 0 && (chunkedBytes += bytes.readableBytes()) > maxBody) {
                    refuse(413, "payload too large", "the chunked body is over " + maxBody + " bytes, the most accepted");
                    ReferenceCountUtil.release(msg);
                    return;
                }
                ctx.fireChannelRead(msg);
                return;
            }
            if (!started && bytes.isReadable()) {
                byte first = bytes.getByte(bytes.readerIndex());
                if (first == 0x16 || startsWith(bytes, "PRI ")) {
                    // TLS or HTTP/2 with prior knowledge: not plain HTTP/1, not this guard's to read.
                    ctx.pipeline().remove(this);
                    ctx.fireChannelRead(msg);
                    return;
                }
                started = true;
                deadline = ctx.executor().schedule(this::tooSlow, HEAD_TIME.toMillis(), TimeUnit.MILLISECONDS);
            }
            for (int i = bytes.readerIndex(); i < bytes.writerIndex() && inHead; i++) {
                byte b = bytes.getByte(i);
                headBytes++;
                if (!lineDone) {
                    if (b == '\n') {
                        lineDone = true;
                    } else if (++lineBytes > MAX_LINE) {
                        refuse(414, "uri too long", "the request line is over " + MAX_LINE + " bytes; send a shorter URL");
                        ReferenceCountUtil.release(msg);
                        return;
                    }
                }
                tail = (tail << 8) | (b & 0xff);
                head.append(Character.toLowerCase((char) (b & 0xff)));
                if (tail == 0x0d0a0d0a) {
                    inHead = false;
                    cancel();
                    if (CHUNKED.matcher(head).find()) {
                        chunkedBytes = bytes.writerIndex() - i - 1;
                    }
                } else if (headBytes > MAX_HEAD) {
                    refuse(431, "request header fields too large", "the request's headers are over " + MAX_HEAD / 1024 + " KiB");
                    ReferenceCountUtil.release(msg);
                    return;
                }
            }
            ctx.fireChannelRead(msg);
        }

        private static boolean startsWith(ByteBuf bytes, String prefix) {
            if (bytes.readableBytes() < prefix.length()) {
                return false;
            }
            for (int i = 0; i < prefix.length(); i++) {
                if (bytes.getByte(bytes.readerIndex() + i) != prefix.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private void tooSlow() {
            if (inHead && started && !refused) {
                refuse(408, "request timeout", "the request's line and headers did not arrive within " + HEAD_TIME.toSeconds() + " s");
            }
        }

        private void cancel() {
            if (deadline != null) {
                deadline.cancel(false);
                deadline = null;
            }
        }

        /** Answers with the JSON error straight on the socket (the HTTP codec has not seen a whole head) and closes. */
        private void refuse(int status, String error, String detail) {
            refused = true;
            cancel();
            byte[] body = error(error, detail).getBytes(StandardCharsets.UTF_8);
            String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length + "\r\nConnection: close\r\n\r\n";
            ByteBuf answer = Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body);
            ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
        }

        private static String reason(int status) {
            return switch (status) {
                case 408 -> "Request Timeout";
                case 414 -> "URI Too Long";
                case 431 -> "Request Header Fields Too Large";
                default -> "Bad Request";
            };
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            cancel();
            ctx.fireChannelInactive();
        }
    }
}
