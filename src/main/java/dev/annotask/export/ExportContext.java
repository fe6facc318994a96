package dev.annotask.export;

import dev.annotask.identity.App;
import dev.annotask.input.Input;
import dev.annotask.input.InputWire;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * What a format writer works with: the ZIP being written, the app (for the inputs' hosted
 * URLs), the classes, the stored bytes of an input (read when a format includes images), and a
 * directory for the writer's scratch files, deleted with the export's temporary files.
 */
record ExportContext(ZipOutputStream zip, App app, InputWire wire, ConceptIndex concepts, StoredImages images,
                     Path scratch) {

    /** Reads an input's stored bytes, one input at a time. */
    interface StoredImages {
        Optional<byte[]> bytes(String inputId);
    }

    /** The input as the API shows it (hosted URL, image_info). */
    dev.annotask.proto.api.Input wire(Input input) {
        return wire.toWire(app, input);
    }

    /** Writes a whole entry. */
    void entry(String name, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
    }

    /** Writes the input's stored image as {@code dir/{file}.{ext}}, when it has one; returns whether it did. */
    boolean image(String dir, Input input) throws IOException {
        if (input.byteSize() == 0 || input.image() == null) {
            return false;
        }
        Optional<byte[]> bytes = images.bytes(input.id());
        if (bytes.isEmpty()) {
            return false; // deleted since the snapshot: its labels are still written
        }
        entry(dir + "/" + Shapes.fileName(input.id()) + "." + Shapes.extension(input.image().format()), bytes.get());
        return true;
    }
}
