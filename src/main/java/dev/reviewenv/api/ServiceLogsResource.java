package dev.reviewenv.api;

import dev.reviewenv.engine.record.EnvironmentRecord;
import dev.reviewenv.engine.record.RecordStore;
import dev.reviewenv.engine.stack.LogQuery;
import dev.reviewenv.engine.stack.StackEngine;
import dev.reviewenv.naming.EnvironmentName;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestMulti;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** An environment's service logs: its containers' output, streamed ({@link ServiceLogStream}). */
@Path("/api/environments/{name}/logs")
@Blocking
public class ServiceLogsResource {
    /** The response header that names the environment's services (those with a container now), comma separated. */
    static final String SERVICES = "Reviewenv-Services";
    private final RecordStore records;
    private final StackEngine engine;
    private final ServiceLogStream stream;
    private final Clock clock;

    public ServiceLogsResource(RecordStore records, StackEngine engine, ServiceLogStream stream, Clock clock) {
        this.records = records;
        this.engine = engine;
        this.stream = stream;
        this.clock = clock;
    }

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    @Operation(summary = "The environment's containers' output, each line '<service> | <timestamp> <line>', streamed while"
            + " follow=true (the default) until the client closes")
    @APIResponse(responseCode = "200", description = "The lines; with follow, a newline after 15 s of silence; a reader that"
            + " does not keep up gets a last line '--- reviewenv: this reader was dropped ...'",
            content = @Content(mediaType = MediaType.TEXT_PLAIN, schema = @Schema(type = SchemaType.STRING)),
            headers = @Header(name = SERVICES, description = "the environment's services, comma separated",
                    schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "400", description = "tail is not 0 to 10000, follow not true or false, since not a time, or"
            + " service not one of the environment's", content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "No such environment", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ApiError.class)))
    public Multi<byte[]> logs(
            @PathParam("name") @Parameter(schema = @Schema(pattern = EnvironmentResource.NAME_PATTERN, maxLength = 63)) String name,
            @QueryParam("service") @Parameter(description = "only this service's containers (default: all)",
                    schema = @Schema(type = SchemaType.STRING, maxLength = 255)) String service,
            @QueryParam("tail") @Parameter(description = "the last lines of each container first (default 200, at most 10000)",
                    schema = @Schema(type = SchemaType.INTEGER, minimum = "0", maximum = "10000")) String tail,
            @QueryParam("follow") @Parameter(description = "true (default): stream until the client closes; false: end after the tail",
                    schema = @Schema(type = SchemaType.BOOLEAN)) String follow,
            @QueryParam("since") @Parameter(description = "only lines from then on: " + LogParams.SINCE_FORMS,
                    schema = @Schema(type = SchemaType.STRING, pattern = LogParams.SINCE_PATTERN)) String since) {
        EnvironmentName env = EnvironmentName.parse(name).flatMap(n -> records.read(n)).map(EnvironmentRecord::environmentName)
                .orElseThrow(() -> ApiException.notFound("no environment " + name));
        LogQuery query = LogParams.parse(tail, follow, since, clock.instant());
        Optional<String> only = service == null || service.isEmpty() ? Optional.empty() : Optional.of(service);
        Set<String> services = new TreeSet<>();
        engine.units(env).stream().map(StackEngine.Unit::service).filter(java.util.Objects::nonNull).forEach(services::add);
        if (only.isPresent()) {
            if (!services.contains(only.get())) {
                throw new ApiException(400, "bad request", "service: '" + service + "' is not a service of " + name + "; "
                        + (services.isEmpty() ? "it has no container now" : "it has " + String.join(", ", services))
                        + " (leave service out for all)");
            }
        }
        // The dashboard's service picker reads them from here.
        return RestMulti.fromMultiData(stream.follow(env, only, query)).header(SERVICES, String.join(", ", services)).build();
    }
}
