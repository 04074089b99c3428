package io.gridoverlay.examples;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on standard error while a command works for more than a moment (a simulation, a transfer,
 * nodes starting, a bootstrap), drawn only when the process runs on a terminal: on a pipe, in a test, with
 * {@code --json} or with {@code GRID_NO_PROGRESS} set, every method does nothing, so output that is parsed
 * never carries it. The bar is cleared when closed, so the command's own output follows on a clean line.
 *
 * <p>Thread-safe (the bar library's updates are); close it before printing the result.
 */
final class Progress implements AutoCloseable {
    private static final Progress NONE = new Progress(null);

    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /** Whether bars are drawn in this process: standard input and output are a terminal, and not disabled. */
    static boolean onTerminal() {
        return System.console() != null && System.getenv("GRID_NO_PROGRESS") == null;
    }

    /**
     * A bar for {@code task} counting to {@code max} {@code unit}s; {@code max < 0} draws an open-ended bar
     * (elapsed time only). Nothing when {@code quiet} or not {@linkplain #onTerminal() on a terminal}.
     */
    static Progress start(String task, long max, String unit, boolean quiet) {
        if (quiet || !onTerminal()) {
            return NONE;
        }
        PrintStream err = System.err;
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(task).setInitialMax(max)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200).clearDisplayOnFinish()
                .setConsumer(new ConsoleProgressBarConsumer(err));
        if (unit != null) {
            b.setUnit(" " + unit, 1);
        }
        return new Progress(b.build());
    }

    /**
     * Waits up to {@code seconds} for {@code work}, with an open-ended bar named {@code task} meanwhile (a
     * bootstrap, a query).
     */
    static <T> T await(String task, java.util.concurrent.CompletableFuture<T> work, long seconds, boolean quiet)
            throws Exception {
        try (Progress p = start(task, -1, null, quiet)) {
            return DeployCommands.await(work, seconds);
        }
    }

    /** Sets the count reached (and the total, which may change as work is discovered). */
    void stepTo(long done, long max) {
        if (bar != null) {
            bar.maxHint(max);
            bar.stepTo(done);
        }
    }

    /** Adds one to the count. */
    void step() {
        if (bar != null) {
            bar.step();
        }
    }

    /** A short note shown after the bar (what is being waited for). */
    void note(String text) {
        if (bar != null) {
            bar.setExtraMessage(text);
        }
    }

    /** Whether a bar is drawn. */
    boolean shown() {
        return bar != null;
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
