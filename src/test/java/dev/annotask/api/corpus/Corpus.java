package dev.annotask.api.corpus;

import dev.annotask.api.RpcMethod;
import dev.annotask.api.RpcRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * The bad-input corpus: for every RPC the server serves, hostile requests over REST and gRPC,
 * made from the schema rather than written by hand (so a new RPC or field is covered the day it
 * is added), plus the cases that need a field's meaning ({@link DomainCorpus}).
 */
final class Corpus {
    private Corpus() {
    }

    /**
     * Who the corpus calls as, and where: the main app (holding input {@code in1}, concept
     * {@code cat} and annotation {@code a1}) takes the requests that must fail; the scratch app
     * those that may succeed, so that nothing they create or delete changes what the others meet.
     */
    record Target(String ownerId, String ownerToken, String adminToken, String appId, String scratchAppId) {
        /** The admin's token for the admin service, the owner's personal access token for all else. */
        String tokenFor(RpcMethod method) {
            return method.fullName().startsWith("annotask.admin.") ? adminToken : ownerToken;
        }
    }

    static List<CorpusCase> cases(RpcRegistry registry, Target target) {
        List<CorpusCase> cases = new ArrayList<>();
        int rpcIndex = 0;
        for (RpcMethod method : registry.methods()) {
            if (registry.isServed(method.name())) {
                cases.addAll(RestCorpus.of(method, rpcIndex, target));
                cases.addAll(GrpcCorpus.of(method, rpcIndex, target));
                rpcIndex++;
            }
        }
        cases.addAll(DomainCorpus.of(registry, target));
        return cases;
    }
}
