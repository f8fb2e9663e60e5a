package no.knutepunkt.routing.messaging;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.event.RouteRegistered;
import no.knutepunkt.model.kafka.Replays;
import no.knutepunkt.model.kafka.TopicReplay;
import no.knutepunkt.model.kafka.Topics;
import no.knutepunkt.routing.repository.RouteRepository;
import no.knutepunkt.routing.service.RouteService;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Throws the routes projection away and replays the register topic into it. One transaction locks the table against
 * the live consumer first and only then reads where the topic ends, so no route change falls between the two.
 */
@ApplicationScoped
public class RegisterRebuild {

    private static final Logger LOG = Logger.getLogger(RegisterRebuild.class);

    private final RouteRepository routes;
    private final RouteService service;
    private final Vertx vertx;
    private final Replays replays;

    public RegisterRebuild(RouteRepository routes, RouteService service, Vertx vertx,
            Replays replays) {
        this.routes = routes;
        this.service = service;
        this.vertx = vertx;
        this.replays = replays;
    }

    public record Rebuilt(int events, long routes) {
    }

    /** An empty projection next to a register with events (a new or dropped database) is rebuilt before start. */
    void onStart(@Observes StartupEvent start) throws Exception {
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        CompletableFuture<Object> done = new CompletableFuture<>();
        context.runOnContext(v -> Panache.withSession(routes::count)
                .chain(count -> count > 0 ? Uni.createFrom().nullItem() : rebuild())
                .subscribe().with(done::complete, done::completeExceptionally));
        done.get();
    }

    /** Call on a Vert.x context (a request, or a duplicated context made safe). */
    public Uni<Rebuilt> rebuild() {
        Context context = Vertx.currentContext();
        return Panache.withTransaction(() -> Panache.getSession()
                .chain(s -> s.createNativeQuery("LOCK TABLE routes IN EXCLUSIVE MODE").executeUpdate())
                .chain(() -> routes.deleteAll())
                .chain(() -> Uni.createFrom().item(this::readRegister)
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                        .emitOn(command -> context.runOnContext(v -> command.run())))
                .chain(events -> Multi.createFrom().iterable(events)
                        .onItem().transformToUniAndConcatenate(e -> service.apply(
                                (RouteRegistered) EventCodec.decode(e).payload()))
                        .collect().last()
                        .chain(() -> routes.count())
                        .map(count -> new Rebuilt(events.size(), count))))
                .invoke(r -> LOG.infof("routes projection rebuilt from %d events: %d routes", r.events(), r.routes()));
    }

    private List<String> readRegister() {
        try (TopicReplay replay = replays.open(List.of(Topics.ROUTING_REGISTER))) {
            return replay.all();
        }
    }
}
