package io.cistern.console;

import io.cistern.console.http.ApiRouter;
import io.cistern.console.http.ApiTokens;
import io.cistern.console.resources.ConfigResource;
import io.cistern.console.resources.DatasetResource;
import io.cistern.console.resources.Operations;
import io.cistern.console.resources.PoolResource;
import io.cistern.console.resources.TargetResource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management API (docs/api.md): a Vert.x HTTP server on the configured listeners, over the
 * {@link Appliance} the daemon hands it. Owns its Vert.x instance; {@link #close()} stops it.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    private static final long START_SECONDS = 30;

    private final Vertx vertx;
    private final Router router;
    private final List<InetSocketAddress> addresses;

    private ApiServer(Vertx vertx, Router router, List<InetSocketAddress> addresses) {
        this.vertx = vertx;
        this.router = router;
        this.addresses = addresses;
    }

    /** Starts listening on every address (port 0: any free port); fails if one cannot be bound. */
    public static ApiServer start(Appliance appliance, ApiTokens tokens, List<InetSocketAddress> listen)
            throws IOException {
        // Pool operations run on workers and may take minutes (destroy, scrub start): not a blocked thread.
        Vertx vertx = Vertx.vertx(new VertxOptions().setMaxWorkerExecuteTime(1).setMaxWorkerExecuteTimeUnit(TimeUnit.HOURS));
        try {
            Router router = router(vertx, appliance, tokens);
            List<InetSocketAddress> bound = new ArrayList<>();
            for (InetSocketAddress address : listen) {
                HttpServer server;
                try {
                    // HTTP/1.1 only: a client's h2c upgrade offer (the JDK's HttpClient makes one) is ignored, not taken.
                    server = await(vertx.createHttpServer(new HttpServerOptions().setHost(address.getHostString())
                            .setPort(address.getPort()).setHttp2ClearTextEnabled(false)).requestHandler(router)
                            .listen());
                } catch (IOException e) {
                    throw new IOException("management API cannot listen on " + address + ": " + e.getMessage(), e);
                }
                bound.add(new InetSocketAddress(address.getAddress(), server.actualPort()));
            }
            log.info("management API on {}", bound);
            return new ApiServer(vertx, router, List.copyOf(bound));
        } catch (IOException | RuntimeException e) {
            vertx.close();
            throw e;
        }
    }

    static Router router(Vertx vertx, Appliance appliance, ApiTokens tokens) throws IOException {
        ApiRouter api = new ApiRouter(vertx, tokens, openapi());
        Operations operations = new Operations();
        new PoolResource(appliance, operations).register(api);
        new DatasetResource(appliance, operations).register(api);
        new TargetResource(appliance).register(api);
        new ConfigResource(appliance).register(api);
        return api.router();
    }

    /** The addresses listened on, with the ports actually bound. */
    public List<InetSocketAddress> addresses() {
        return addresses;
    }

    Router router() {
        return router;
    }

    static Buffer openapi() throws IOException {
        try (InputStream in = ApiServer.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IOException("openapi.json missing from the classpath");
            }
            return Buffer.buffer(in.readAllBytes());
        }
    }

    /** Stops listening; requests in flight are cut. */
    @Override
    public void close() {
        try {
            await(vertx.close());
        } catch (IOException e) {
            log.warn("management API close: {}", e.getMessage());
        }
    }

    private static <T> T await(Future<T> f) throws IOException {
        try {
            return f.toCompletionStage().toCompletableFuture().get(START_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
