package dev.annotask.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.MultiAnnotationResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.LabelingWorld;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What an annotation's data may hold, outside tasks (the app's concepts {@code cat} and
 * {@code dog} allowed): regions inside frames and time segments are held to the rules of
 * top-level ones, polygons need three distinct points and an area, a concept appears once per
 * list. Each bad annotation answers 24155 naming the field and writes nothing; the good
 * shapes next to them are accepted. One server per database vendor, a fresh app per test.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class AnnotationChecksApiTest {
    private static final String OWNER = "owner";

    @Parameter
    SqlDialect dialect;

    private LabelingWorld world;
    private DataFixtures app;

    @BeforeEach
    void newApp() {
        world = LabelingWorld.sharedOnSystemClock(dialect);
        app = world.newBareApp("checks");
        app.postConcepts("cat", "dog");
        app.postTextInputs("in1");
    }

    private ApiClient.Reply<MultiAnnotationResponse> annotate(String dataJson) {
        return app.call("POST", "/v2/annotations", "{\"annotations\":[{\"input_id\":\"in1\",\"data\":" + dataJson + "}]}",
                MultiAnnotationResponse.getDefaultInstance());
    }

    private static String box(String top, String left, String bottom, String right) {
        return "{\"region_info\":{\"bounding_box\":{\"top_row\":" + top + ",\"left_col\":" + left + ",\"bottom_row\":"
                + bottom + ",\"right_col\":" + right + "}},\"data\":{\"concepts\":[{\"id\":\"cat\"}]}}";
    }

    private static String polygon(String... points) {
        StringBuilder json = new StringBuilder("{\"region_info\":{\"polygon\":{\"points\":[");
        for (int i = 0; i < points.length; i++) {
            String[] rowCol = points[i].split(",");
            json.append(i == 0 ? "" : ",").append("{\"row\":").append(rowCol[0]).append(",\"col\":").append(rowCol[1])
                    .append('}');
        }
        return json.append("]}},\"data\":{\"concepts\":[{\"id\":\"cat\"}]}}").toString();
    }

    private static String frame(String regionJson) {
        return "{\"frames\":[{\"frame_info\":{\"time\":1000},\"data\":{\"regions\":[" + regionJson + "]}}]}";
    }

    private static String segment(String begin, String end, String dataJson) {
        return "{\"time_segments\":[{\"time_info\":{\"begin_time\":" + begin + ",\"end_time\":" + end + "},\"data\":"
                + dataJson + "}]}";
    }

    /** A bad annotation's data and the field its {@code details} must name. */
    record Bad(String name, String data, String field) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Bad> badAnnotations() {
        String frameBox = "annotations[0].data.frames[0].data.regions[0].region_info.bounding_box";
        return Stream.of(
                new Bad("box in a frame below 0", frame(box("-0.1", "0.1", "0.5", "0.5")), frameBox),
                new Bad("box in a frame past 1", frame(box("0.1", "0.1", "1.5", "0.5")), frameBox),
                new Bad("box in a frame upside down", frame(box("0.6", "0.1", "0.5", "0.5")), frameBox),
                new Bad("NaN in a frame's box", frame(box("\"NaN\"", "0.1", "0.5", "0.5")), frameBox),
                new Bad("Infinity in a frame's polygon", frame(polygon("0.1,0.1", "\"Infinity\",0.5", "0.5,0.9")),
                        "annotations[0].data.frames[0].data.regions[0].region_info.polygon.points[1]"),
                new Bad("two regions in a frame", frame(box("0.1", "0.1", "0.5", "0.5") + ","
                        + box("0.2", "0.2", "0.5", "0.5")), "annotations[0].data.frames[0].data.regions"),
                new Bad("a concept of no one's in a frame's region",
                        frame(box("0.1", "0.1", "0.5", "0.5").replace("cat", "horse")),
                        "annotations[0].data.frames[0].data.regions[0].data.concepts[0]"),
                new Bad("a concept value of 2 in a time segment", segment("0", "1.5",
                        "{\"concepts\":[{\"id\":\"cat\",\"value\":2}]}"),
                        "annotations[0].data.time_segments[0].data.concepts[0].value"),
                new Bad("a box past 1 in a time segment", segment("0", "1.5", "{\"regions\":["
                        + box("0.1", "0.1", "0.5", "1.01") + "]}"),
                        "annotations[0].data.time_segments[0].data.regions[0].region_info.bounding_box"),
                new Bad("a time segment ending before it begins", segment("2", "1", "{\"concepts\":[{\"id\":\"cat\"}]}"),
                        "annotations[0].data.time_segments[0].time_info"),
                new Bad("a time segment at negative time", segment("-1", "1", "{\"concepts\":[{\"id\":\"cat\"}]}"),
                        "annotations[0].data.time_segments[0].time_info"),
                new Bad("frames nested in a frame", "{\"frames\":[{\"data\":{\"frames\":[{\"data\":{}}]}}]}",
                        "annotations[0].data.frames[0].data"),
                new Bad("a polygon of three points, two the same", "{\"regions\":["
                        + polygon("0.1,0.1", "0.5,0.5", "0.1,0.1") + "]}",
                        "annotations[0].data.regions[0].region_info.polygon.points"),
                new Bad("a polygon of four points on one line", "{\"regions\":["
                        + polygon("0.1,0.1", "0.2,0.2", "0.3,0.3", "0.4,0.4") + "]}",
                        "annotations[0].data.regions[0].region_info.polygon.points"),
                new Bad("a region with both a box and a polygon", "{\"regions\":[" + box("0.1", "0.1", "0.5", "0.5")
                        .replace("}},\"data\"", "},\"polygon\":{\"points\":[{\"row\":0.1,\"col\":0.1},{\"row\":0.5,"
                                + "\"col\":0.1},{\"row\":0.5,\"col\":0.5}]}},\"data\"") + "]}",
                        "annotations[0].data.regions[0].region_info"),
                new Bad("a region value of NaN", "{\"regions\":[" + box("0.1", "0.1", "0.5", "0.5")
                        .replace("{\"region_info\"", "{\"value\":\"NaN\",\"region_info\"") + "]}",
                        "annotations[0].data.regions[0].value"),
                new Bad("the same concept twice", "{\"concepts\":[{\"id\":\"cat\"},{\"id\":\"dog\"},{\"id\":\"cat\"}]}",
                        "annotations[0].data.concepts[2]"),
                new Bad("the same concept twice in a region", "{\"regions\":[" + box("0.1", "0.1", "0.5", "0.5")
                        .replace("[{\"id\":\"cat\"}]", "[{\"id\":\"cat\"},{\"id\":\"cat\",\"value\":0}]") + "]}",
                        "annotations[0].data.regions[0].data.concepts[1]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badAnnotations")
    void aBadAnnotationIsRefusedNamingTheFieldAndNothingIsWritten(Bad bad) {
        var reply = annotate(bad.data());

        assertThat(reply.code()).as(reply.body()).isEqualTo(24155);
        assertThat(reply.httpStatus()).isEqualTo(400);
        assertThat(reply.status().getDetails()).as(reply.body()).startsWith(bad.field());
        var listed = app.call("GET", "/v2/annotations", null, MultiAnnotationResponse.getDefaultInstance());
        assertThat(listed.message().getAnnotationsList()).as("nothing written").isEmpty();
    }

    @Test
    void goodFramesSegmentsAndPolygonsAreAccepted() {
        for (String data : new String[] {
                frame(box("0.1", "0.1", "0.5", "0.5")),
                frame(polygon("0,0", "1,0", "1,1")),
                segment("0.5", "2.5", "{\"concepts\":[{\"id\":\"cat\"},{\"id\":\"dog\",\"value\":0}]}"),
                "{\"regions\":[" + polygon("0.1,0.1", "0.1,0.1004", "0.1004,0.1") + "]}",
                "{\"concepts\":[{\"id\":\"cat\"}],\"regions\":[" + box("0", "0", "1", "1") + "]}"}) {
            var reply = annotate(data);
            assertThat(reply.code()).as(data + " → " + reply.body()).isEqualTo(10000);
        }
    }
}
