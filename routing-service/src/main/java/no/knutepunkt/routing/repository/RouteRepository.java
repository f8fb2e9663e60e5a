package no.knutepunkt.routing.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.routing.Route;

@ApplicationScoped
public class RouteRepository implements PanacheRepositoryBase<Route, String> {
}
