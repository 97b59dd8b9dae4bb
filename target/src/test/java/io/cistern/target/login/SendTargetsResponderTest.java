package io.cistern.target.login;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SendTargetsResponderTest {
    private static final TargetInfo DISK = new TargetInfo("iqn.2026-01.io.cistern:disk", Optional.of("disk"), 1,
            Optional.empty(), List.of(new Portal("192.0.2.10", 3260, 1), new Portal("2001:db8::10", 3260, 2)));
    private static final TargetInfo TAPE = new TargetInfo("iqn.2026-01.io.cistern:tape", Optional.empty(), 1,
            Optional.empty(), List.of(new Portal("192.0.2.11", 3261, 1)));
    private static final List<TargetInfo> BOTH = List.of(DISK, TAPE);

    private static List<KeyValue> disk() {
        return List.of(new KeyValue("TargetName", DISK.name()), new KeyValue("TargetAddress", "192.0.2.10:3260,1"),
                new KeyValue("TargetAddress", "[2001:db8::10]:3260,2"));
    }

    @Test
    void allInDiscoveryListsEveryVisibleTargetWithItsPortals() {
        List<KeyValue> expected = new java.util.ArrayList<>(disk());
        expected.add(new KeyValue("TargetName", TAPE.name()));
        expected.add(new KeyValue("TargetAddress", "192.0.2.11:3261,1"));
        assertEquals(expected, SendTargetsResponder.respond("All", SessionType.DISCOVERY, Optional.empty(), BOTH));
    }

    @Test
    void aNameInDiscoveryListsThatTargetOnly() {
        assertEquals(disk(), SendTargetsResponder.respond(DISK.name(), SessionType.DISCOVERY, Optional.empty(), BOTH));
        assertEquals(List.of(), SendTargetsResponder.respond("iqn.nope", SessionType.DISCOVERY, Optional.empty(), BOTH));
        assertEquals(List.of(), SendTargetsResponder.respond("", SessionType.DISCOVERY, Optional.empty(), BOTH));
    }

    @Test
    void aNormalSessionLearnsOnlyAboutItsOwnTarget() {
        Optional<String> own = Optional.of(DISK.name());
        assertEquals(disk(), SendTargetsResponder.respond("", SessionType.NORMAL, own, BOTH));
        assertEquals(disk(), SendTargetsResponder.respond(DISK.name(), SessionType.NORMAL, own, BOTH));
        assertEquals(List.of(), SendTargetsResponder.respond(TAPE.name(), SessionType.NORMAL, own, BOTH));
        assertEquals(List.of(new KeyValue("SendTargets", "Reject")),
                SendTargetsResponder.respond("All", SessionType.NORMAL, own, BOTH));
    }

    @Test
    void bracketedIpv6IsNotBracketedTwice() {
        assertEquals("[::1]:3260,7", new Portal("[::1]", 3260, 7).targetAddress());
        assertEquals("[fe80::1]:860,1", new Portal("fe80::1", 860, 1).targetAddress());
    }
}
