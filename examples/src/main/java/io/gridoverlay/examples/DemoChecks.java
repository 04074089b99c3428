package io.gridoverlay.examples;

import io.gridoverlay.core.record.Acceptance;
import io.gridoverlay.core.record.SignedRecord;
import io.gridoverlay.core.record.Verification;
import io.gridoverlay.dht.deploy.RejectionCode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The checks {@code local-grid} prints: each one compares what the grid did with what it must do, prints
 * {@code ok} or {@code FAIL}, and any failure makes the command exit 1. Not thread-safe (the demo runs on
 * one thread).
 */
final class DemoChecks {
    private final PrintWriter out;
    private final List<String> failed = new ArrayList<>();
    private final List<Map<String, Object>> all = new ArrayList<>();
    private String step = "start";
    private int passed;

    DemoChecks(PrintWriter out) {
        this.out = out;
    }

    /** Records {@code ok} for the check described by {@code what}; returns {@code ok}. */
    boolean check(boolean ok, String what) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("step", step);
        c.put("ok", ok);
        c.put("check", what);
        all.add(c);
        if (ok) {
            passed++;
            out.println("  ok    " + what);
        } else {
            failed.add(what);
            out.println("  FAIL  " + what);
        }
        out.flush();
        return ok;
    }

    /**
     * A request the node must refuse: passes when {@code answer} is a signed rejection with {@code expected}
     * as its code.
     */
    boolean refused(String what, SignedRecord<Acceptance> answer, RejectionCode expected) {
        Acceptance a = answer.record();
        if (!a.accepted() && RejectionCode.of(a).equals(Optional.of(expected))) {
            return check(true, what + ": refused as expected: " + a.reason());
        }
        return check(false, what + ": expected a refusal with " + expected + ", got "
                + (a.accepted() ? "an acceptance" : "a refusal: " + a.reason()));
    }

    /** A record that must not verify: passes when {@code v} is invalid. */
    boolean rejected(String what, Verification<?> v) {
        if (v instanceof Verification.Invalid<?> bad) {
            return check(true, what + ": refused as expected: " + bad.reason());
        }
        return check(false, what + ": expected it not to verify, but it verified");
    }

    /** A step that could not finish (timeout, error): a failed check, and the demo stops. */
    void stepFailed(String step, Throwable e) {
        Throwable cause = e;
        while ((cause instanceof java.util.concurrent.CompletionException
                || cause instanceof java.util.concurrent.ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        check(false, step + " did not finish: " + message);
    }

    /** Names the step the following checks belong to (in {@link #all()}). */
    void step(String name) {
        step = name;
    }

    /** Every check so far, in order: step, ok, check (for {@code --json}). */
    List<Map<String, Object>> all() {
        return List.copyOf(all);
    }

    int passed() {
        return passed;
    }

    List<String> failed() {
        return List.copyOf(failed);
    }
}
