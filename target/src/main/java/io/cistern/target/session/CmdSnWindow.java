package io.cistern.target.session;

import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The command window of one session (RFC 7143 §4.2.2.1): delivers non-immediate commands in CmdSN
 * order, holds commands that arrive early (another connection, or a gap), ignores commands outside
 * [ExpCmdSN, MaxCmdSN], and advances MaxCmdSN as commands complete, so an initiator never has more
 * than {@code depth} commands outstanding.
 *
 * <p>Not thread-safe: used only from the session's event loop.
 *
 * @param <C> the command type
 */
final class CmdSnWindow<C> {
    private final int depth;
    /** Commands that arrived ahead of ExpCmdSN, by CmdSN; never more than the window holds. */
    private final Map<Integer, C> held = new HashMap<>();
    /** CmdSNs ahead of ExpCmdSN taken as received without a command (an ABORT TASK of a lost command). */
    private final Set<Integer> skipped = new HashSet<>();
    private int expCmdSn;
    private int maxCmdSn;
    private int outstanding;

    /**
     * @param firstCmdSn the CmdSN of the leading login request (the first command's CmdSN)
     * @param depth      the most commands an initiator may have outstanding (queue depth)
     */
    CmdSnWindow(int firstCmdSn, int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be at least 1: " + depth);
        }
        this.depth = depth;
        this.expCmdSn = firstCmdSn;
        this.maxCmdSn = firstCmdSn + depth - 1;
    }

    int expCmdSn() {
        return expCmdSn;
    }

    int maxCmdSn() {
        return maxCmdSn;
    }

    /** Commands accepted and not yet completed. */
    int outstanding() {
        return outstanding;
    }

    /** Result of offering a command to the window. */
    enum Verdict { DELIVERED, QUEUED, OUT_OF_WINDOW, DUPLICATE }

    /**
     * Offers a non-immediate command. Commands that become deliverable (this one and any held ones
     * that follow it in sequence) are passed to {@code deliver} in CmdSN order.
     */
    Verdict offer(int cmdSn, C command, Consumer<C> deliver) {
        if (!SerialNumber.inWindow(cmdSn, expCmdSn, maxCmdSn)) {
            return SerialNumber.lessThan(cmdSn, expCmdSn) ? Verdict.DUPLICATE : Verdict.OUT_OF_WINDOW;
        }
        if (skipped.contains(cmdSn)) {
            return Verdict.DUPLICATE;
        }
        if (cmdSn != expCmdSn) {
            return held.putIfAbsent(cmdSn, command) == null ? Verdict.QUEUED : Verdict.DUPLICATE;
        }
        List<C> ready = new ArrayList<>();
        ready.add(command);
        expCmdSn++;
        outstanding++;
        advance(ready);
        open(); // a skipped CmdSN passed over frees its place
        ready.forEach(deliver);
        return Verdict.DELIVERED;
    }

    /**
     * Takes {@code cmdSn}, inside the window, as received without running a command (RFC 7143
     * §11.5.1: ABORT TASK of a command that never arrived). A command held for it is removed and
     * returned for the caller to release; held commands that can now go are passed to {@code deliver}.
     */
    Optional<C> skip(int cmdSn, Consumer<C> deliver) {
        if (!SerialNumber.inWindow(cmdSn, expCmdSn, maxCmdSn)) {
            return Optional.empty();
        }
        Optional<C> dropped = Optional.ofNullable(held.remove(cmdSn));
        skipped.add(cmdSn);
        List<C> ready = new ArrayList<>();
        advance(ready);
        open();
        ready.forEach(deliver);
        return dropped;
    }

    /** Moves ExpCmdSN over the held and skipped CmdSNs that follow it, collecting held commands. */
    private void advance(List<C> ready) {
        while (true) {
            if (skipped.remove(expCmdSn)) {
                expCmdSn++;
                continue;
            }
            C next = held.remove(expCmdSn);
            if (next == null) {
                return;
            }
            ready.add(next);
            expCmdSn++;
            outstanding++;
        }
    }

    /** An immediate command was accepted: it counts as outstanding but takes no CmdSN. */
    void acceptImmediate() {
        outstanding++;
    }

    /** A command (immediate or not) completed or was aborted: the window may open. */
    void completed() {
        if (outstanding > 0) {
            outstanding--;
        }
        open();
    }

    private void open() {
        int candidate = expCmdSn + depth - 1 - outstanding;
        if (SerialNumber.lessThan(maxCmdSn, candidate)) {
            maxCmdSn = candidate;
        }
    }

    /** Commands held for a gap that will never be filled are dropped (connection closing). */
    List<C> drainHeld() {
        List<C> dropped = new ArrayList<>(held.values());
        held.clear();
        skipped.clear();
        return dropped;
    }
}
