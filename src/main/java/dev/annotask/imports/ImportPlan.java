package dev.annotask.imports;

import dev.annotask.proto.api.Annotation;
import dev.annotask.proto.api.Concept;
import dev.annotask.proto.api.Input;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * What a file, once read and checked, asks to write: its concepts (few, in memory), then its
 * inputs and its annotations, each spooled to a file of its own on disk as they are read, so an
 * import of 100,000 images holds none of them in memory. The readers add; the writer reads the
 * spools back in order, as many times as it needs. Not thread-safe; close to delete the spools.
 */
final class ImportPlan implements AutoCloseable {
    /** An input to write: its message (no bytes), and the archive file holding its bytes, or "" for a URL. */
    record PlannedInput(Input input, String archiveFile) {
    }

    private final Map<String, Concept> concepts = new LinkedHashMap<>();
    private final Path inputsFile;
    private final Path annotationsFile;
    private DataOutputStream inputsOut;
    private DataOutputStream annotationsOut;
    private long inputs;
    private long annotations;

    ImportPlan(Path directory) {
        try {
            Files.createDirectories(directory);
            inputsFile = Files.createTempFile(directory, "inputs", ".spool");
            annotationsFile = Files.createTempFile(directory, "annotations", ".spool");
            inputsOut = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(inputsFile), 1 << 16));
            annotationsOut = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(annotationsFile), 1 << 16));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void addConcept(Concept concept) {
        concepts.putIfAbsent(concept.getId(), concept);
    }

    List<Concept> concepts() {
        return new ArrayList<>(concepts.values());
    }

    void addInput(Input input, String archiveFile) {
        try {
            inputsOut.writeUTF(archiveFile);
            input.writeDelimitedTo(inputsOut);
            inputs++;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void addAnnotation(Annotation annotation) {
        try {
            annotation.writeDelimitedTo(annotationsOut);
            annotations++;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long inputCount() {
        return inputs;
    }

    long annotationCount() {
        return annotations;
    }

    /** Ends the adding; the spools can be read from now on. */
    void finish() {
        try {
            if (inputsOut != null) {
                inputsOut.close();
                annotationsOut.close();
                inputsOut = null;
                annotationsOut = null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The planned inputs in file order; close the iterator's stream by reading to the end or closing it. */
    Spool<PlannedInput> inputs() {
        finish();
        return new Spool<>(inputsFile, in -> {
            String file = in.readUTF();
            return new PlannedInput(Input.parseDelimitedFrom(in), file);
        });
    }

    Spool<Annotation> annotations() {
        finish();
        return new Spool<>(annotationsFile, Annotation::parseDelimitedFrom);
    }

    @Override
    public void close() {
        try {
            finish();
        } catch (UncheckedIOException e) {
            // the spools are deleted below all the same
        }
        try {
            Files.deleteIfExists(inputsFile);
            Files.deleteIfExists(annotationsFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one record; null at the end. */
    @FunctionalInterface
    interface RecordReader<T> {
        T read(DataInputStream in) throws IOException;
    }

    /** A spool read back once, in order. */
    static final class Spool<T> implements Iterator<T>, AutoCloseable {
        private final DataInputStream in;
        private final RecordReader<T> reader;
        private T next;

        Spool(Path file, RecordReader<T> reader) {
            try {
                this.in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            this.reader = reader;
            advance();
        }

        private void advance() {
            try {
                next = reader.read(in);
            } catch (EOFException e) {
                next = null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public T next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            T current = next;
            advance();
            return current;
        }

        /** Up to {@code max} next records. */
        List<T> take(int max) {
            List<T> batch = new ArrayList<>();
            while (batch.size() < max && hasNext()) {
                batch.add(next());
            }
            return batch;
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException e) {
                // read-only
            }
        }
    }
}
