package dev.annotask.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.HttpRule;
import dev.annotask.api.HttpBindings;
import dev.annotask.api.RpcMethod;
import dev.annotask.api.RpcRegistry;
import dev.annotask.proto.api.ServiceProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The REST surface read from the V2 service's HTTP bindings: which RPC a verb and path reach. */
class RouteTableTest {
    private static final List<RpcMethod> METHODS = List.copyOf(
            new RpcRegistry(List.of(ServiceProto.getDescriptor().findServiceByName("V2"))).methods());
    private static final RouteTable ROUTES = new RouteTable(METHODS);

    private static String rpc(String verb, String path) {
        RouteTable.Lookup lookup = ROUTES.find(verb, path);
        assertThat(lookup.route()).as("%s %s has a route", verb, path).isPresent();
        return lookup.route().get().method().name();
    }

    @Test
    void literalSegmentBeatsVariableOnShortAndLongPaths() {
        assertThat(rpc("GET", "/v2/inputs/status")).isEqualTo("GetInputCount");
        assertThat(rpc("GET", "/v2/inputs/abc")).isEqualTo("GetInput");
        assertThat(rpc("GET", "/v2/users/me/apps/pets/inputs/status")).isEqualTo("GetInputCount");
        assertThat(rpc("GET", "/v2/users/me/apps/pets/inputs/abc")).isEqualTo("GetInput");
    }

    @Test
    void deleteOnInputsAnnotationsIsBulkDeleteNotDeleteInput() {
        assertThat(rpc("DELETE", "/v2/inputs/annotations")).isEqualTo("DeleteAnnotations");
        assertThat(rpc("DELETE", "/v2/inputs/abc")).isEqualTo("DeleteInput");
        assertThat(rpc("DELETE", "/v2/users/me/apps/pets/inputs/annotations")).isEqualTo("DeleteAnnotations");
        assertThat(rpc("DELETE", "/v2/users/me/apps/pets/inputs/abc")).isEqualTo("DeleteInput");
        assertThat(rpc("DELETE", "/v2/annotations")).isEqualTo("DeleteAnnotations");
        assertThat(rpc("DELETE", "/v2/users/me/apps/pets/annotations")).isEqualTo("DeleteAnnotations");
    }

    @Test
    void pathVariablesAreReturnedWithTheRoute() {
        var lookup = ROUTES.find("GET", "/v2/inputs/abc");
        assertThat(lookup.variables()).containsExactly(Map.entry("input_id", "abc"));
        assertThat(ROUTES.find("GET", "/v2/inputs/status").variables()).isEmpty();
    }

    @Test
    void longAndShortBindingsReachTheSameRpc() {
        var longPath = ROUTES.find("GET", "/v2/users/alice/apps/pets/tasks/t1");
        var shortPath = ROUTES.find("GET", "/v2/tasks/t1");

        assertThat(longPath.route().orElseThrow().method().name()).isEqualTo("GetTask");
        assertThat(shortPath.route().orElseThrow().method()).isSameAs(longPath.route().get().method());
        assertThat(longPath.variables()).containsExactly(Map.entry("user_app_id.user_id", "alice"),
                Map.entry("user_app_id.app_id", "pets"), Map.entry("task_id", "t1"));
        assertThat(shortPath.variables()).containsExactly(Map.entry("task_id", "t1"));
        assertThat(rpc("GET", "/v2/app")).isEqualTo("GetApp");
        assertThat(rpc("GET", "/v2/myscopes")).isEqualTo("MyScopes");
        assertThat(rpc("GET", "/v2/my_scopes")).isEqualTo("MyScopes");
    }

    @Test
    void theVerbChoosesBetweenRpcsOnOnePath() {
        String assignments = "/v2/users/me/apps/pets/tasks/t1/assignments";
        assertThat(rpc("GET", assignments)).isEqualTo("ListNextTaskAssignments");
        assertThat(rpc("PUT", assignments)).isEqualTo("PutTaskAssignments");
        assertThat(rpc("POST", "/v2/tasks")).isEqualTo("PostTasks");
        assertThat(rpc("PATCH", "/v2/tasks")).isEqualTo("PatchTasks");
        assertThat(rpc("DELETE", "/v2/tasks")).isEqualTo("DeleteTasks");
    }

    @Test
    void knownPathUnderAnotherVerbNamesAnRpcOfThatPath() {
        var lookup = ROUTES.find("PUT", "/v2/users/admin");

        assertThat(lookup.route()).isEmpty();
        assertThat(lookup.variables()).isEmpty();
        assertThat(lookup.otherVerb()).hasValueSatisfying(r -> assertThat(r.method().name()).isEqualTo("GetUser"));
        assertThat(ROUTES.find("PUT", "/v2/tasks/t1/assignments").otherVerb())
                .as("the short path of ListNextTaskAssignments has no PUT binding")
                .hasValueSatisfying(r -> assertThat(r.method().name()).isEqualTo("ListNextTaskAssignments"));
    }

    @Test
    void unknownPathHasNeitherRouteNorOtherVerb() {
        for (String path : List.of("/v2/nothing", "/v3/tasks", "/v2/tasks/t1/extra/more", "/",
                "/v2/users/u/apps/a/b/c/d/e")) {
            var lookup = ROUTES.find("GET", path);
            assertThat(lookup.route()).as(path).isEmpty();
            assertThat(lookup.otherVerb()).as(path).isEmpty();
        }
    }

    @Test
    void emptySegmentsAreIgnored() {
        assertThat(rpc("GET", "/v2/tasks/")).isEqualTo("ListTasks");
        assertThat(rpc("GET", "//v2//tasks/t1")).isEqualTo("GetTask");
    }

    @Test
    void everyBindingReachesItsOwnRpc() {
        List<String> misrouted = new ArrayList<>();
        int bindings = 0;
        for (RpcMethod method : METHODS) {
            List<HttpRule> rules = new ArrayList<>(List.of(method.http()));
            rules.addAll(method.http().getAdditionalBindingsList());
            for (HttpRule rule : rules) {
                String verb = HttpBindings.verbOf(rule);
                String path = HttpBindings.pathOf(rule).replaceAll("\\{[^}]+}", "v1d");
                bindings++;
                var route = ROUTES.find(verb, path).route();
                if (route.isEmpty() || !route.get().method().name().equals(method.name())) {
                    misrouted.add(verb + " " + path + " -> " + route.map(r -> r.method().name()).orElse("none")
                            + ", expected " + method.name());
                }
            }
        }
        assertThat(bindings).as("bindings in the V2 service").isGreaterThan(90);
        assertThat(misrouted).isEmpty();
    }
}
