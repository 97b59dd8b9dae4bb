package io.cistern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class GetoptTest {
    @Test
    void clusteredFlagsJoinedArgumentsAndPermutedOperands() {
        Getopt g = new Getopt(List.of("tank", "-rHospace,refer", "-t", "all", "tank/vm1", "-s", "used", "-S", "refer"),
                "rHpo:t:s:S:");
        assertTrue(g.has('r') && g.has('H'));
        assertFalse(g.has('p'));
        assertEquals("space,refer", g.value('o'));
        assertEquals("all", g.value('t'));
        assertEquals(List.of("tank", "tank/vm1"), g.operands());
        assertEquals(List.of(new Getopt.Option('s', "used"), new Getopt.Option('S', "refer")), g.inOrder("sS"));
    }

    @Test
    void repeatedOptionsKeepEveryValueAndTheLastWins() {
        Getopt g = new Getopt(List.of("-o", "a=1", "-ob=2"), "o:");
        assertEquals(List.of("a=1", "b=2"), g.values('o'));
        assertEquals("b=2", g.value('o'));
    }

    @Test
    void doubleDashEndsOptions() {
        assertEquals(List.of("-r"), new Getopt(List.of("--", "-r"), "r").operands());
    }

    @Test
    void unknownOptionAndMissingArgumentAreUsageErrors() {
        assertEquals("invalid option 'x'", assertThrows(UsageException.class,
                () -> new Getopt(List.of("-rx"), "r")).getMessage());
        assertEquals("missing argument for 'o' option", assertThrows(UsageException.class,
                () -> new Getopt(List.of("-o"), "o:")).getMessage());
        assertThrows(UsageException.class, () -> new Getopt(List.of("a", "b"), "").operands(1, 1));
        assertThrows(UsageException.class, () -> new Getopt(List.of(), "").operands(1, 1));
    }
}
