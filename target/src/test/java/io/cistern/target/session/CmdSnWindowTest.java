package io.cistern.target.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CmdSnWindowTest {
    private final List<String> delivered = new ArrayList<>();

    @Test
    void deliversInOrderAndHoldsEarlyCommands() {
        CmdSnWindow<String> w = new CmdSnWindow<>(10, 4);
        assertEquals(CmdSnWindow.Verdict.QUEUED, w.offer(12, "c12", delivered::add));
        assertEquals(CmdSnWindow.Verdict.QUEUED, w.offer(11, "c11", delivered::add));
        assertEquals(List.of(), delivered);
        assertEquals(CmdSnWindow.Verdict.DELIVERED, w.offer(10, "c10", delivered::add));
        assertEquals(List.of("c10", "c11", "c12"), delivered);
        assertEquals(13, w.expCmdSn());
        assertEquals(3, w.outstanding());
    }

    @Test
    void ignoresCommandsOutsideTheWindowAndDuplicates() {
        CmdSnWindow<String> w = new CmdSnWindow<>(0, 2);
        assertEquals(CmdSnWindow.Verdict.OUT_OF_WINDOW, w.offer(2, "x", delivered::add));
        assertEquals(CmdSnWindow.Verdict.DELIVERED, w.offer(0, "a", delivered::add));
        assertEquals(CmdSnWindow.Verdict.DUPLICATE, w.offer(0, "a again", delivered::add));
        assertEquals(List.of("a"), delivered);
    }

    @Test
    void maxCmdSnOpensAsCommandsCompleteAndNeverShrinks() {
        CmdSnWindow<String> w = new CmdSnWindow<>(100, 2);
        assertEquals(101, w.maxCmdSn());
        w.offer(100, "a", delivered::add);
        w.offer(101, "b", delivered::add);
        assertEquals(101, w.maxCmdSn(), "window full: ExpCmdSN = MaxCmdSN + 1");
        assertEquals(CmdSnWindow.Verdict.OUT_OF_WINDOW, w.offer(102, "c", delivered::add));
        w.completed();
        assertEquals(102, w.maxCmdSn());
        w.completed();
        assertEquals(103, w.maxCmdSn());
    }

    @Test
    void wrapsAroundTheSerialNumberSpace() {
        CmdSnWindow<String> w = new CmdSnWindow<>(-2, 8);
        w.offer(0, "c0", delivered::add);
        w.offer(-1, "c-1", delivered::add);
        w.offer(-2, "c-2", delivered::add);
        assertEquals(List.of("c-2", "c-1", "c0"), delivered);
        assertEquals(1, w.expCmdSn());
    }

    @Test
    void skippedCmdSnCountsAsReceived() {
        CmdSnWindow<String> w = new CmdSnWindow<>(10, 4);
        w.offer(11, "c11", delivered::add);
        assertEquals(java.util.Optional.empty(), w.skip(10, delivered::add));
        assertEquals(List.of("c11"), delivered, "the gap at 10 is filled by the skip");
        assertEquals(12, w.expCmdSn());
        assertEquals(CmdSnWindow.Verdict.DUPLICATE, w.offer(10, "late", delivered::add));
    }

    @Test
    void skipAheadDropsTheHeldCommandAndIsPassedOver() {
        CmdSnWindow<String> w = new CmdSnWindow<>(10, 4);
        w.offer(11, "c11", delivered::add);
        assertEquals(java.util.Optional.of("c11"), w.skip(11, delivered::add));
        assertEquals(CmdSnWindow.Verdict.DUPLICATE, w.offer(11, "again", delivered::add));
        w.offer(10, "c10", delivered::add);
        assertEquals(List.of("c10"), delivered);
        assertEquals(12, w.expCmdSn());
        assertEquals(14, w.maxCmdSn(), "MaxCmdSN counts only c10 as outstanding");
    }
}
