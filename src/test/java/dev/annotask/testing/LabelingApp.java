package dev.annotask.testing;

import com.google.protobuf.Message;
import dev.annotask.proto.api.TaskAssignment;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/** One app of a {@link LabelingWorld}: its data, its tasks, and its people as labelers. */
public final class LabelingApp {
    private final LabelingWorld world;
    private final DataFixtures data;

    LabelingApp(LabelingWorld world, DataFixtures data) {
        this.world = world;
        this.data = data;
    }

    public DataFixtures data() {
        return data;
    }

    /** A request with the app's key, as {@link DataFixtures#call}. */
    public <T extends Message> ApiClient.Reply<T> call(String verb, String path, String json, T type) {
        return data.call(verb, path, json, type);
    }

    public Labeler labeler(String userId) {
        return new Labeler(world.client(), userId, world.token(userId), data);
    }

    /** Posts text inputs in0 … in(count-1) and returns their ids. */
    public List<String> postInputs(int count) {
        List<String> ids = IntStream.range(0, count).mapToObj(i -> "in" + i).toList();
        data.postTextInputs(ids.toArray(String[]::new));
        return ids;
    }

    /** A classification task over all inputs with concepts cat and dog; returns its id. */
    public String task(String workerJson, String reviewJson) {
        return data.postTask("{\"type\":\"CONCEPTS_CLASSIFICATION\",\"name\":\"t\",\"worker\":" + workerJson
                + ",\"concept_ids\":[\"cat\",\"dog\"],\"input_source\":{\"type\":\"ALL_INPUTS\"},\"review\":"
                + reviewJson + "}").getId();
    }

    public static Set<String> inputsOf(List<TaskAssignment> assignments) {
        Set<String> ids = new HashSet<>();
        assignments.forEach(a -> ids.add(a.getInput().getId()));
        return ids;
    }
}
