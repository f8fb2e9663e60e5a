package no.knutepunkt.routing;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import no.knutepunkt.model.event.Destination;

import java.time.Instant;

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

    public Destination destination() {
        return new Destination(epjProduct, mode, endpoint, credentialsRef);
    }
}
