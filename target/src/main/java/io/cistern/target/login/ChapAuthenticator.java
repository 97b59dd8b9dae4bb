package io.cistern.target.login;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Target side of CHAP in the iSCSI security stage (RFC 7143 §12.1.3, RFC 1994), once AuthMethod=CHAP
 * is agreed. Two round trips: CHAP_A → CHAP_A/CHAP_I/CHAP_C, then CHAP_N/CHAP_R (and, for mutual
 * CHAP, CHAP_I/CHAP_C) → our CHAP_N/CHAP_R. Every failure is an {@link AuthOutcome.Failed} with 0x0201.
 */
final class ChapAuthenticator {
    /** RFC 7143 §12.1.3: CHAP_C and CHAP_R MUST NOT exceed 1024 binary bytes. */
    static final int MAX_BINARY_LENGTH = 1024;

    private enum State { AWAIT_ALGORITHM, AWAIT_RESPONSE, DONE }

    private final ChapConfig config;
    private final SecureRandom random;
    private State state = State.AWAIT_ALGORITHM;
    private ChapAlgorithm algorithm;
    private int identifier;
    private byte[] challenge;

    ChapAuthenticator(ChapConfig config, SecureRandom random) {
        this.config = config;
        this.random = random;
    }

    /** Handles the CHAP_* keys of one request (key name → value). */
    AuthOutcome step(Map<String, String> keys) {
        return switch (state) {
            case AWAIT_ALGORITHM -> chooseAlgorithm(keys);
            case AWAIT_RESPONSE -> verify(keys);
            case DONE -> failed("CHAP keys after authentication completed: " + keys.keySet());
        };
    }

    private AuthOutcome chooseAlgorithm(Map<String, String> keys) {
        String offered = keys.get("CHAP_A");
        if (offered == null || keys.size() != 1) {
            return failed("expected CHAP_A alone, got " + keys.keySet());
        }
        ChapAlgorithm best = null;
        for (String code : offered.split(",", -1)) {
            OptionalLong n = Values.number(code);
            Optional<ChapAlgorithm> a = n.isPresent() ? ChapAlgorithm.ofCode(n.getAsLong()) : Optional.empty();
            // The strongest one both sides allow, whatever the initiator's order.
            if (a.isPresent() && config.algorithms().contains(a.get())
                    && (best == null || a.get().compareTo(best) > 0)) {
                best = a.get();
            }
        }
        if (best == null) {
            return failed("no acceptable algorithm in CHAP_A=" + offered);
        }
        algorithm = best;
        identifier = random.nextInt(256);
        challenge = new byte[best.challengeLength()];
        random.nextBytes(challenge);
        state = State.AWAIT_RESPONSE;
        return new AuthOutcome.InProgress(List.of(
                new KeyValue("CHAP_A", Integer.toString(best.code())),
                new KeyValue("CHAP_I", Integer.toString(identifier)),
                new KeyValue("CHAP_C", Values.hex(challenge))));
    }

    private AuthOutcome verify(Map<String, String> keys) {
        String name = keys.get("CHAP_N");
        String response = keys.get("CHAP_R");
        if (name == null || response == null || keys.containsKey("CHAP_A")) {
            return failed("expected CHAP_N and CHAP_R, got " + keys.keySet());
        }
        state = State.DONE;
        ChapSecret expected = config.initiator();
        Optional<byte[]> got = Values.binary(response);
        byte[] want = algorithm.response(identifier, expected.secretBytes(), challenge);
        boolean nameOk = MessageDigest.isEqual(utf8(name), utf8(expected.name()));
        boolean responseOk = got.isPresent() && MessageDigest.isEqual(got.get(), want);
        if (!(nameOk & responseOk)) {
            return failed("CHAP_N/CHAP_R do not match for name " + name);
        }
        String peerId = keys.get("CHAP_I");
        String peerChallenge = keys.get("CHAP_C");
        if (peerId == null && peerChallenge == null) {
            return new AuthOutcome.Authenticated(List.of());
        }
        return answerMutual(peerId, peerChallenge);
    }

    /** The initiator authenticates us: answer with our name and H(its id || our secret || its challenge). */
    private AuthOutcome answerMutual(String peerId, String peerChallenge) {
        if (peerId == null || peerChallenge == null) {
            return failed("mutual CHAP needs both CHAP_I and CHAP_C");
        }
        if (config.target().isEmpty()) {
            return failed("initiator asked for mutual CHAP but no target secret is configured");
        }
        OptionalLong id = Values.number(peerId);
        Optional<byte[]> c = Values.binary(peerChallenge);
        if (id.isEmpty() || id.getAsLong() > 255 || c.isEmpty() || c.get().length == 0
                || c.get().length > MAX_BINARY_LENGTH) {
            return failed("malformed CHAP_I or CHAP_C from initiator");
        }
        // A reflected challenge would let an attacker have us compute the answer it owes us.
        if (MessageDigest.isEqual(c.get(), challenge)) {
            return failed("initiator reflected our CHAP challenge");
        }
        ChapSecret ours = config.target().get();
        byte[] answer = algorithm.response((int) id.getAsLong(), ours.secretBytes(), c.get());
        List<KeyValue> reply = new ArrayList<>();
        reply.add(new KeyValue("CHAP_N", ours.name()));
        reply.add(new KeyValue("CHAP_R", Values.hex(answer)));
        return new AuthOutcome.Authenticated(reply);
    }

    private AuthOutcome failed(String reason) {
        state = State.DONE;
        return new AuthOutcome.Failed(LoginStatus.AUTHENTICATION_FAILURE, reason);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
