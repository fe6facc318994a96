package dev.annotask.api.rest;

import com.google.api.HttpRule;
import dev.annotask.api.HttpBindings;
import dev.annotask.api.RpcMethod;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every HTTP binding of every RPC, read from the {@code google.api.http} options: the whole
 * REST surface, with no route written by hand. Built once; immutable and thread-safe.
 */
final class RouteTable {
    private final List<Route> routes = new ArrayList<>();

    RouteTable(Collection<RpcMethod> methods) {
        for (RpcMethod method : methods) {
            add(method, method.http());
            for (HttpRule extra : method.http().getAdditionalBindingsList()) {
                add(method, extra);
            }
        }
        // Most specific first, so a literal segment beats a variable in the same place.
        routes.sort(Comparator.comparing(Route::path, PathTemplate::compareSpecificity));
    }

    private void add(RpcMethod method, HttpRule rule) {
        String verb = HttpBindings.verbOf(rule);
        if (!verb.isEmpty()) {
            routes.add(new Route(verb, PathTemplate.parse(HttpBindings.pathOf(rule)), rule.getBody(), method));
        }
    }

    /** The outcome of looking a request up: a route, a known path under another verb, or nothing. */
    record Lookup(Optional<Route> route, Map<String, String> variables, Optional<Route> otherVerb) {
    }

    Lookup find(String verb, String path) {
        List<String> segments = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
        Route otherVerb = null;
        for (Route route : routes) {
            Optional<Map<String, String>> variables = route.path().match(segments);
            if (variables.isEmpty()) {
                continue;
            }
            if (route.verb().equals(verb)) {
                return new Lookup(Optional.of(route), variables.get(), Optional.empty());
            }
            if (otherVerb == null) {
                otherVerb = route;
            }
        }
        return new Lookup(Optional.empty(), Map.of(), Optional.ofNullable(otherVerb));
    }
}
