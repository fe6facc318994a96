package dev.annotask.testing;

import com.google.protobuf.Message;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a load balancer in front of several nodes does for a client: each caller has a home
 * node; once a node stops answering (a cut or refused connection, and no answer to its health
 * check either) it is out, and that call and every later one go to the next node still in. A request cut off midway is sent again, so
 * callers must make their writes safe to repeat (client-chosen ids, LABEL_SUBMIT of work
 * already turned in). Thread-safe.
 */
public final class Balancer {
    private final List<ApiClient> nodes;
    private final Set<Integer> out = ConcurrentHashMap.newKeySet();

    public Balancer(List<ApiClient> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    public <T extends Message> ApiClient.Reply<T> send(int home, String verb, String path, String token, String json,
                                                       T prototype) {
        for (int tried = 0; tried < nodes.size(); tried++) {
            int node = (home + tried) % nodes.size();
            if (out.contains(node)) {
                continue;
            }
            for (int attempt = 1; attempt <= 2; attempt++) {
                try {
                    return nodes.get(node).send(verb, path, token, json, prototype);
                } catch (IllegalStateException e) {
                    if (!(e.getCause() instanceof IOException)) {
                        throw e;
                    }
                    if (!answersHealthCheck(nodes.get(node))) {
                        out.add(node);
                        break;
                    }
                    // A live node whose kept-alive connection closed under us: send it again there.
                }
            }
        }
        throw new IllegalStateException("no node answers " + verb + " " + path);
    }

    private static boolean answersHealthCheck(ApiClient node) {
        try {
            return node.raw("/healthz").statusCode() == 200;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** The nodes taken out after they stopped answering. */
    public Set<Integer> nodesOut() {
        return Set.copyOf(out);
    }
}
