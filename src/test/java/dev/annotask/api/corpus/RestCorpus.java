package dev.annotask.api.corpus;

import static dev.annotask.api.corpus.CorpusCase.Expect.anything;
import static dev.annotask.api.corpus.CorpusCase.Expect.failure;
import static dev.annotask.api.corpus.CorpusCase.Expect.requestError;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.annotask.api.HttpBindings;
import dev.annotask.api.RequestLimits;
import dev.annotask.api.RpcMethod;
import dev.annotask.api.corpus.CorpusCase.Expect;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The REST half of the corpus, made from each RPC's HTTP binding and request type: hostile
 * bodies, a wrong JSON type and an out-of-range or oversize value in every field (in the body,
 * or the query string of a GET), odd text where text may go, and odd ids in every path variable.
 * Requests that must fail go to the main app; those that may succeed to the scratch app.
 */
final class RestCorpus {
    private static final Pattern VARIABLE = Pattern.compile("\\{([^}]+)}");

    private final Corpus.Target target;
    private final List<CorpusCase> cases = new ArrayList<>();

    private RestCorpus(Corpus.Target target) {
        this.target = target;
    }

    /** The cases of one RPC; {@code rpcIndex} (its place among the RPCs) turns the rotations. */
    static List<CorpusCase> of(RpcMethod method, int rpcIndex, Corpus.Target target) {
        RestCorpus corpus = new RestCorpus(target);
        corpus.generate(method, rpcIndex);
        return corpus.cases;
    }

    private void generate(RpcMethod method, int rpcIndex) {
        String template = HttpBindings.pathOf(method.http());
        List<String> variables = variables(template);
        boolean hasBody = "*".equals(method.http().getBody());
        if (hasBody) {
            bodies(method, rpcIndex);
        } else {
            add(method, "a JSON body on a request without one", anything(), Map.of(), "", "{\"x\":[1,2]}");
        }
        List<FieldPath> paths = FieldPath.all(method.descriptor().getInputType(), 3);
        for (int i = 0; i < paths.size(); i++) {
            FieldPath path = paths.get(i);
            int k = i + rpcIndex;
            if (variables.contains(path.queryName())) {
                continue; // the path wins over body and query, so a value there never arrives
            }
            if (hasBody) {
                bodyField(method, path, k);
            } else if (path.reachableByQuery()) {
                queryField(method, path, k);
            }
        }
        for (int i = 0; i < variables.size(); i++) {
            pathVariable(method, variables.get(i), rpcIndex + i);
        }
        add(method, "an unknown query parameter and a repeated one", anything(), Map.of(),
                "?zz_unknown=1&zz_unknown=2&page=1&page=2", hasBody ? "{}" : null);
    }

    /** A few of the malformed bodies (rotating over the RPCs, so each is sent somewhere) and the harmless ones. */
    private void bodies(RpcMethod method, int rpcIndex) {
        List<String> malformed = List.of("{\"a\":", "[]", "null", "\"text\"", "1e999", "true", "{\"a\" 1}", "{}{}",
                "[".repeat(10_000), "{\"zz\":" + HostileValues.nested(5_000) + "}", "{\"a\":1,}x");
        for (int i = 0; i < 4; i++) {
            String body = HostileValues.pick(malformed, rpcIndex * 4 + i);
            add(method, "body " + abbreviate(body), requestError(), Map.of(), "", body);
        }
        // What a lenient JSON reader might take, and what carries nothing: any answer will do, but a Clarifai one.
        List<String[]> harmless = List.of(new String[] {"single-quoted JSON", "{'zz':1}"},
                new String[] {"a byte order mark first", "\uFEFF{}"}, new String[] {"empty body", ""},
                new String[] {"whitespace body", " \r\n\t "}, new String[] {"empty object", "{}"},
                new String[] {"unknown fields only", "{\"zz_unknown\":1,\"zzUnknown\":{\"a\":[null]}}"},
                new String[] {"unknown field nested 60 deep", "{\"zz\":" + HostileValues.nested(60) + "}"},
                new String[] {"known fields null", nullFields(method)});
        for (int i = 0; i < 3; i++) {
            String[] body = HostileValues.pick(harmless, rpcIndex * 3 + i);
            add(method, body[0], anything(), Map.of(), "", body[1]);
        }
    }

    private static String nullFields(RpcMethod method) {
        JsonObject body = new JsonObject();
        for (FieldDescriptor field : method.descriptor().getInputType().getFields()) {
            body.add(field.getName(), com.google.gson.JsonNull.INSTANCE);
        }
        return body.toString();
    }

    /**
     * One bad value at the path (two for an enum: the number the schema lacks, always), the
     * kind of badness rotating with {@code k} so that every kind meets every RPC.
     */
    private void bodyField(RpcMethod method, FieldPath path, int k) {
        FieldDescriptor leaf = path.leaf();
        String at = path.text();
        int rotation = k / 2;
        switch (leaf.getJavaType()) {
            case ENUM -> {
                add(method, at + " as the number " + enumNumber(k), requestError(),
                        path.json(new JsonPrimitive(enumNumber(k)), true));
                wrongType(method, path, rotation);
            }
            case STRING -> {
                switch (k % 3) {
                    case 0 -> add(method, at + " one past its length limit", requestError(),
                            path.json(new JsonPrimitive(HostileValues.oversize(leaf)), true));
                    case 1 -> wrongType(method, path, rotation);
                    default -> {
                        String text = HostileValues.pick(HostileValues.TEXT, rotation);
                        addScratch(method, at + " = " + abbreviate(text), path.json(new JsonPrimitive(text), true));
                    }
                }
            }
            case FLOAT, DOUBLE -> {
                if (k % 2 == 0) {
                    wrongType(method, path, rotation);
                } else {
                    addScratch(method, at + " = " + special(rotation), path.json(new JsonPrimitive(special(rotation)), true));
                }
            }
            case INT, LONG -> {
                boolean unsigned = leaf.getType().name().startsWith("UINT") || leaf.getType().name().startsWith("FIXED");
                switch (k % 3) {
                    case 0 -> wrongType(method, path, rotation);
                    case 1 -> add(method, at + " = -1", unsigned ? requestError() : anything(),
                            path.json(new JsonPrimitive(-1), true));
                    default -> addScratch(method, at + " = 2^31-1", path.json(new JsonPrimitive(Integer.MAX_VALUE), true));
                }
            }
            case MESSAGE -> {
                if (isStruct(leaf)) {
                    add(method, at + " a Struct past its size limit", requestError(),
                            path.json(HostileValues.bigObject(RequestLimits.STRUCT_BYTES + 1000), true));
                    add(method, at + " a Struct nested 150 deep", requestError(),
                            path.json(JsonParser.parseString(HostileValues.nested(150)), true));
                    JsonObject odd = new JsonObject();
                    odd.addProperty(HostileValues.pick(HostileValues.TEXT, k), HostileValues.pick(HostileValues.TEXT, k + 1));
                    addScratch(method, at + " a Struct of odd text", path.json(odd, true));
                }
                wrongType(method, path, rotation);
            }
            default -> wrongType(method, path, rotation);
        }
    }

    /** A value of the wrong JSON type; for a list, every other time an object where the list should be. */
    private void wrongType(RpcMethod method, FieldPath path, int rotation) {
        if (path.leaf().isRepeated() && rotation % 2 == 1) {
            add(method, path.text() + " an object for a list", requestError(), path.json(new JsonObject(), false));
        } else {
            JsonElement value = HostileValues.wrongJsonType(path.leaf(), rotation);
            add(method, path.text() + " = " + abbreviate(value.toString()) + ", the wrong JSON type", requestError(),
                    path.json(value, true));
        }
    }

    private void queryField(RpcMethod method, FieldPath path, int k) {
        FieldDescriptor leaf = path.leaf();
        String name = path.queryName();
        switch (leaf.getJavaType()) {
            case ENUM -> {
                query(method, name, String.valueOf(enumNumber(k)), requestError());
                query(method, name, "NO_SUCH_VALUE", requestError());
            }
            case INT, LONG -> {
                query(method, name, HostileValues.pick(List.of("abc", "99999999999999999999", "1.5", "0x10"), k),
                        requestError());
                query(method, name, HostileValues.pick(List.of("4294967295", "-2147483648", "2147483647", "0"), k),
                        anything());
            }
            case FLOAT, DOUBLE -> {
                query(method, name, "abc", requestError());
                query(method, name, special(k), anything());
            }
            case BOOLEAN -> query(method, name, HostileValues.pick(List.of("maybe", "2", "TRUE", ""), k), requestError());
            case STRING -> {
                // Past a few KiB a query string is the HTTP server's to refuse (414), before any RPC.
                if (RequestLimits.of(leaf).max() < 4096) {
                    query(method, name, HostileValues.oversize(leaf), requestError());
                }
                query(method, name, HostileValues.pick(HostileValues.TEXT, k), anything());
            }
            default -> {
            }
        }
    }

    /**
     * Some of the odd ids in the variable (two in the user and app, which every RPC has; six in
     * the others), rotating over the RPCs and variables so that each id is sent to each kind.
     */
    private void pathVariable(RpcMethod method, String variable, int rotation) {
        int count = variable.startsWith("user_app_id.") ? 2 : 6;
        for (int i = 0; i < count; i++) {
            String id = HostileValues.pick(HostileValues.PATH_IDS, rotation * count + i);
            Expect expect = variable.startsWith("user_app_id.") ? requestError() : failure();
            if (variable.equals("user_app_id.user_id") && id.equals("me")) {
                continue; // "me" is the caller: a fine user id
            }
            Map<String, String> vars = new LinkedHashMap<>();
            vars.put(variable, id);
            String body = "*".equals(method.http().getBody()) ? "{}" : null;
            cases.add(new CorpusCase(method.name(), "path " + variable + " = " + abbreviate(id), expect,
                    new CorpusCase.Rest(verb(method), path(method, target.appId(), vars, true), body,
                            target.tokenFor(method)), null));
        }
    }

    private void query(RpcMethod method, String name, String value, Expect expect) {
        String app = expect.kind() == Expect.Kind.ANY ? target.scratchAppId() : target.appId();
        String query = "?" + name + "=" + encode(value);
        cases.add(new CorpusCase(method.name(), "query " + name + "=" + abbreviate(value), expect,
                new CorpusCase.Rest(verb(method), path(method, app, Map.of(), false) + query, null,
                        target.tokenFor(method)), null));
    }

    private void add(RpcMethod method, String what, Expect expect, String body) {
        add(method, what, expect, Map.of(), "", body);
    }

    private void addScratch(RpcMethod method, String what, String body) {
        add(method, what, anything(), Map.of(), "", body);
    }

    private void add(RpcMethod method, String what, Expect expect, Map<String, String> vars, String query, String body) {
        String app = expect.kind() == Expect.Kind.ANY ? target.scratchAppId() : target.appId();
        cases.add(new CorpusCase(method.name(), what, expect,
                new CorpusCase.Rest(verb(method), path(method, app, vars, false) + query, body, target.tokenFor(method)),
                null));
    }

    private static String verb(RpcMethod method) {
        return HttpBindings.verbOf(method.http());
    }

    /** The primary path with the owner, the app and "nope" for other variables; {@code raw} values go in as given. */
    private String path(RpcMethod method, String appId, Map<String, String> overrides, boolean raw) {
        Matcher matcher = VARIABLE.matcher(HttpBindings.pathOf(method.http()));
        StringBuilder path = new StringBuilder();
        while (matcher.find()) {
            String variable = matcher.group(1);
            String value = overrides.containsKey(variable) ? overrides.get(variable)
                    : variable.equals("user_app_id.user_id") ? target.ownerId()
                    : variable.equals("user_app_id.app_id") ? appId : "nope";
            matcher.appendReplacement(path, Matcher.quoteReplacement(
                    raw && overrides.containsKey(variable) ? value : encode(value)));
        }
        matcher.appendTail(path);
        return path.toString();
    }

    private static List<String> variables(String template) {
        List<String> names = new ArrayList<>();
        Matcher matcher = VARIABLE.matcher(template);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    private static int enumNumber(int k) {
        return HostileValues.pick(List.of(99, -7, 1_000_000, 2_147_483_647), k);
    }

    private static String special(int k) {
        return HostileValues.pick(List.of("NaN", "Infinity", "-Infinity", "-1", "1e30", "-0.0"), k);
    }

    private static boolean isStruct(FieldDescriptor field) {
        return field.getMessageType().getFullName().equals("google.protobuf.Struct");
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String abbreviate(String text) {
        String shown = text.length() > 40 ? text.substring(0, 20) + "…(" + text.length() + " chars)" : text;
        StringBuilder escaped = new StringBuilder();
        shown.codePoints().forEach(c -> escaped.append(c < 0x20 || (c >= 0x7f && c < 0xa0) || Character.isSurrogate((char) c)
                ? String.format("\\u%04x", c) : new String(Character.toChars(c))));
        return escaped.toString();
    }
}
