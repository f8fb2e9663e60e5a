package no.knutepunkt.delivery.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import no.knutepunkt.delivery.Delivery;
import no.knutepunkt.delivery.config.DeliveryConfig;
import no.knutepunkt.delivery.repository.DeliveryRepository;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * What operations alert on, read from the queue every half minute: {@code knutepunkt_delivery_messages} by state and
 * municipality (waiting, dead), and {@code knutepunkt_delivery_unjournaled}: messages an acknowledging EPJ has had for
 * longer than {@code delivery.unjournaled-after} without journaling them. Counts by municipality only.
 */
@ApplicationScoped
public class QueueGauges {

    private static final Logger LOG = Logger.getLogger(QueueGauges.class);

    private final DeliveryRepository deliveries;
    private final DeliveryConfig config;
    private final Vertx vertx;
    private final MultiGauge messages;
    private final MultiGauge unjournaled;
    private long timer;

    public QueueGauges(DeliveryRepository deliveries, DeliveryConfig config, Vertx vertx, MeterRegistry registry) {
        this.deliveries = deliveries;
        this.config = config;
        this.vertx = vertx;
        this.messages = MultiGauge.builder("knutepunkt.delivery.messages")
                .description("Messages in the delivery queue by state and municipality").register(registry);
        this.unjournaled = MultiGauge.builder("knutepunkt.delivery.unjournaled")
                .description("Messages delivered to an acknowledging EPJ and not journaled in time").register(registry);
    }

    void start(@Observes StartupEvent start) {
        timer = vertx.setPeriodic(1000, 30_000, id -> read());
    }

    void stop(@Observes ShutdownEvent stop) {
        vertx.cancelTimer(timer);
    }

    void read() {
        Dispatcher.isolated(vertx).runOnContext(v -> Panache.withSession(() -> deliveries
                        .countByStateAndMunicipality(List.of(Delivery.WAITING, Delivery.DEAD))
                        .invoke(rows -> messages.register(rows.stream().map(r -> MultiGauge.Row.of(
                                Tags.of("state", r.state(), "orgnr", r.orgnr()), r.count())).toList(), true))
                        .chain(() -> deliveries.unjournaledByMunicipality(
                                DeliveryQueue.now().minus(config.unjournaledAfter())))
                        .invoke(rows -> unjournaled.register(rows.stream().map(r -> MultiGauge.Row.of(
                                Tags.of("orgnr", r.orgnr()), r.count())).toList(), true)))
                .subscribe().with(done -> { }, e -> LOG.warnf("the queue gauges were not read: %s", e.toString())));
    }
}
