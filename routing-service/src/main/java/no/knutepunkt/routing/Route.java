package no.knutepunkt.routing;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import com.fasterxml.jackson.core.type.TypeReference;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import no.knutepunkt.model.event.Destination;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.event.KindRule;
import no.knutepunkt.model.event.MessageKind;

import java.time.Instant;
import java.util.Map;

/** Where one municipality's messages go, as of the latest register event: the routing projection. */
@Entity
@Table(name = "routes")
public class Route extends PanacheEntityBase {

    @Id
    public String orgnr;
    public int version;
    public String epjProduct;
    public String mode;
    public String endpoint;
    public String credentialsRef;
    public String registeredBy;
    public Instant registeredAt;
    /** The per-kind rules as JSON (a map from kind to priority and journal type). */
    @Column(columnDefinition = "text")
    public String kindRules;

    public Destination destination() {
        return new Destination(epjProduct, mode, endpoint, credentialsRef);
    }

    public Map<MessageKind, KindRule> kinds() {
        if (kindRules == null || kindRules.isBlank()) {
            return Map.of();
        }
        try {
            return EventCodec.mapper().readValue(kindRules, KIND_RULES);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored kind rules are not JSON", e);
        }
    }

    static final TypeReference<Map<MessageKind, KindRule>> KIND_RULES = new TypeReference<>() {
    };
}
