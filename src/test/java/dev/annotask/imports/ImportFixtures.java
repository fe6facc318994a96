package dev.annotask.imports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.Annotation;
import dev.annotask.proto.api.MultiAnnotationResponse;
import dev.annotask.proto.api.MultiUploadResponse;
import dev.annotask.proto.api.SingleUploadResponse;
import dev.annotask.proto.imports.Import;
import dev.annotask.proto.imports.MultiImportResponse;
import dev.annotask.proto.imports.SingleImportResponse;
import dev.annotask.testing.DataFixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Uploading files and running imports through the API in tests, with the app's key. */
final class ImportFixtures {
    private static final int PART = 1 << 20;

    private ImportFixtures() {
    }

    /** Uploads the bytes in parts of a mebibyte; the upload's id. */
    static String upload(DataFixtures app, byte[] content, String name) {
        var posted = app.call("POST", "/v2/uploads", "{\"uploads\":[{\"content_length\":" + content.length
                + ",\"content_name\":\"" + name + "\"}]}", MultiUploadResponse.getDefaultInstance());
        assertThat(posted.code()).as(posted.body()).isEqualTo(10000);
        String id = posted.message().getUploads(0).getId();
        for (int start = 0, part = 1; start < content.length; start += PART, part++) {
            byte[] slice = java.util.Arrays.copyOfRange(content, start, Math.min(content.length, start + PART));
            var put = app.call("PUT", "/v2/uploads/" + id + "/content_parts", "{\"content_parts\":[{\"range_start\":"
                    + start + ",\"part_number\":" + part + ",\"data\":\"" + Base64.getEncoder().encodeToString(slice)
                    + "\"}]}", SingleUploadResponse.getDefaultInstance());
            assertThat(put.code()).as(put.body()).isEqualTo(10000);
        }
        return id;
    }

    /** Uploads the file and starts an import of it with these extra fields ("" for none); the import's id. */
    static String start(DataFixtures app, byte[] content, String name, String format, String extraFields) {
        String upload = upload(app, content, name);
        var started = app.call("POST", "/v2/imports", "{\"imports\":[{\"upload_id\":\"" + upload + "\",\"format\":\""
                + format + "\"" + (extraFields.isEmpty() ? "" : "," + extraFields) + "}]}",
                MultiImportResponse.getDefaultInstance());
        assertThat(started.code()).as(started.body()).isEqualTo(10000);
        return started.message().getImports(0).getId();
    }

    /** Waits (up to a minute) until the import is DONE or FAILED, and returns it. */
    static Import await(DataFixtures app, String importId) {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
        while (true) {
            var got = app.call("GET", "/v2/imports/" + importId, null, SingleImportResponse.getDefaultInstance());
            assertThat(got.code()).as(got.body()).isEqualTo(10000);
            Import state = got.message().getImport();
            if (state.getState() == Import.State.DONE || state.getState() == Import.State.FAILED) {
                return state;
            }
            assertThat(Instant.now()).as("import " + importId + " still " + state.getState()).isBefore(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    static Import run(DataFixtures app, byte[] content, String name, String format, String extraFields) {
        return await(app, start(app, content, name, format, extraFields));
    }

    static List<Annotation> annotations(DataFixtures app, String query) {
        var listed = app.call("GET", "/v2/annotations?per_page=1000" + (query.isEmpty() ? "" : "&" + query), null,
                MultiAnnotationResponse.getDefaultInstance());
        assertThat(listed.code()).as(listed.body()).isEqualTo(10000);
        return listed.message().getAnnotationsList();
    }

    static byte[] zip(Map<String, byte[]> files) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (var file : files.entrySet()) {
                out.putNextEntry(new ZipEntry(file.getKey()));
                out.write(file.getValue());
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A COCO file of two 200x100 images given by URL (a.jpg, b.jpg), categories cat (1) and dog
     * (2), a box on a (id 11: x 20, y 10, 40x30 pixels) and a triangle on b (id 12).
     */
    static String coco() {
        return """
                {"info":{"description":"test"},
                 "images":[{"id":1,"file_name":"a.jpg","width":200,"height":100,"coco_url":"https://example.com/a.jpg"},
                           {"id":2,"file_name":"b.jpg","width":200,"height":100,"coco_url":"https://example.com/b.jpg"}],
                 "annotations":[{"id":11,"image_id":1,"category_id":1,"bbox":[20,10,40,30],"area":1200,"iscrowd":0},
                                {"id":12,"image_id":2,"category_id":2,"segmentation":[[100,0,200,100,0,100]],
                                 "bbox":[0,0,200,100],"area":10000,"iscrowd":0}],
                 "categories":[{"id":1,"name":"cat","supercategory":"animal"},{"id":2,"name":"dog"}]}""";
    }
}
