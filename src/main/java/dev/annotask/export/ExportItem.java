package dev.annotask.export;

import dev.annotask.input.Input;
import java.util.List;

/**
 * One input of an export with its labels: what every format writes per input. {@code seq} is
 * its position in the source (the key pages are read by).
 */
record ExportItem(long seq, Input input, List<Label> labels) {
}
