package dev.annotask.imports;

import java.io.PrintStream;

/**
 * The command line's progress: a bar redrawn in place on a terminal, else a line per tenth, so
 * a log of a scripted import stays short. Not thread-safe.
 */
final class ProgressBar {
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final boolean terminal;
    private String lastLabel = "";
    private long lastTenth = -1;

    ProgressBar(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    void show(String label, long done, long total, String unit) {
        long tenth = total <= 0 ? 0 : Math.min(10, done * 10 / total);
        if (!terminal) {
            if (!label.equals(lastLabel) || tenth != lastTenth) {
                out.println(label + ": " + done + "/" + total + " " + unit);
                lastLabel = label;
                lastTenth = tenth;
            }
            return;
        }
        int filled = total <= 0 ? 0 : (int) Math.min(WIDTH, done * WIDTH / total);
        if (!label.equals(lastLabel) && !lastLabel.isEmpty()) {
            out.println();
        }
        lastLabel = label;
        out.print("\r" + String.format("%-12s", label) + " [" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] "
                + done + "/" + total + " " + unit + "   ");
        out.flush();
    }

    void end() {
        if (terminal && !lastLabel.isEmpty()) {
            out.println();
        }
        lastLabel = "";
    }
}
