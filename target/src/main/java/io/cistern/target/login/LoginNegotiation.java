package io.cistern.target.login;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The target's login phase for one connection (RFC 7143 §6.3): feed every Login Request to
 * {@link #handle} and send back what it returns, until the outcome is {@link LoginOutcome#failed()}
 * (send, then close) or {@link LoginOutcome#complete()} (full feature phase). Pure logic, not thread-safe.
 */
public final class LoginNegotiation {
    private enum Auth { NOT_NEGOTIATED, CHAP, DONE }

    /** RFC 7143 §6.3.1: the keys that identify the session, sent in the first Login Request only. */
    private static final Set<String> FIRST_REQUEST_KEYS = Set.of(LoginKey.INITIATOR_NAME.keyName(),
            LoginKey.TARGET_NAME.keyName(), LoginKey.SESSION_TYPE.keyName());

    private final TargetLimits limits;
    private final TargetDirectory directory;
    private final SecureRandom random;
    private final TextAccumulator text = new TextAccumulator();
    private final Set<String> keysSeen = new HashSet<>();
    /** The first request's values of {@link #FIRST_REQUEST_KEYS} (SessionType with its default). */
    private final Map<String, String> identity = new HashMap<>();

    private Stage stage;
    private boolean finished;
    private LoginInput first;
    private SessionType sessionType;
    private String initiatorName;
    private TargetInfo target;
    private Optional<ChapConfig> requiredChap = Optional.empty();
    private Auth auth = Auth.NOT_NEGOTIATED;
    private ChapAuthenticator chap;
    private OperationalNegotiator operational;

    public LoginNegotiation(TargetLimits limits, TargetDirectory directory, SecureRandom random) {
        this.limits = limits;
        this.directory = directory;
        this.random = random;
    }

    /** Processes one Login Request and returns the Login Response to send. Never throws on bad input. */
    public LoginOutcome handle(LoginInput in) {
        LoginOutcome outcome = step(in);
        if (outcome.failed() || outcome.complete()) {
            finished = true;
        }
        return outcome;
    }

    private LoginOutcome step(LoginInput in) {
        if (finished) {
            return fail(LoginStatus.INVALID_DURING_LOGIN, in, "login already ended");
        }
        Optional<String> invalid = checkHeader(in);
        if (invalid.isPresent()) {
            return fail(LoginStatus.INVALID_DURING_LOGIN, in, invalid.get());
        }
        if (first == null && in.versionMin() > 0) {
            return fail(LoginStatus.UNSUPPORTED_VERSION, in, "Version-min " + in.versionMin() + " above 0");
        }
        if (first != null && (first.isid() != in.isid() || first.tsih() != in.tsih() || first.cid() != in.cid())) {
            return fail(LoginStatus.INITIATOR_ERROR, in, "ISID, TSIH or CID changed during login");
        }
        TextResult decoded = text.append(in.data(), in.continueFlag());
        if (decoded instanceof TextResult.Incomplete) {
            // RFC 7143 §6.1: answer a continued request with an empty response and wait for the rest.
            return new LoginOutcome(LoginStatus.SUCCESS, false, in.csg(), 0, List.of(), Optional.empty(), "");
        }
        if (decoded instanceof TextResult.Malformed m) {
            return fail(LoginStatus.INITIATOR_ERROR, in, m.reason());
        }
        List<KeyValue> keys = ((TextResult.Keys) decoded).pairs();
        for (KeyValue kv : keys) {
            if (first != null && FIRST_REQUEST_KEYS.contains(kv.key())) {
                // libiscsi declares InitiatorName and SessionType again on entering the operational
                // stage; RFC 7143 §6.2 only says it "should not". The same value changes nothing.
                if (!kv.value().equals(identity.get(kv.key()))) {
                    return fail(LoginStatus.INITIATOR_ERROR, in, kv.key() + " changed after the first Login Request");
                }
            } else if (!keysSeen.add(kv.key())) {
                return fail(LoginStatus.INITIATOR_ERROR, in, "key " + kv.key() + " negotiated twice");
            }
        }
        List<KeyValue> reply = new ArrayList<>();
        if (first == null) {
            Optional<LoginOutcome> refused;
            try {
                refused = start(in, keys, reply);
            } catch (RuntimeException e) {
                refused = Optional.of(fail(LoginStatus.TARGET_ERROR, in, "target directory failed: " + e));
            }
            if (refused.isPresent()) {
                return refused.get();
            }
        }
        return stage == Stage.SECURITY_NEGOTIATION ? security(in, keys, reply) : operational(in, keys, reply);
    }

    /** Stage and flag rules of RFC 7143 §6.3 and §11.12; the reason if broken. Fixes the first stage. */
    private Optional<String> checkHeader(LoginInput in) {
        Optional<Stage> csg = Stage.of(in.csg());
        if (csg.isEmpty() || csg.get() == Stage.FULL_FEATURE_PHASE) {
            return Optional.of("CSG " + in.csg() + " is not a login stage");
        }
        if (in.transit() && in.continueFlag()) {
            return Optional.of("T and C bits both set");
        }
        if (in.transit()) {
            Optional<Stage> nsg = Stage.of(in.nsg());
            if (nsg.isEmpty() || nsg.get().code() <= csg.get().code()) {
                return Optional.of("transit from stage " + in.csg() + " to " + in.nsg());
            }
        }
        if (stage == null) {
            // The initiator chooses the first stage: security, or operational if it skips authentication.
            stage = csg.get();
        } else if (csg.get() != stage) {
            return Optional.of("CSG " + in.csg() + " but the login is in stage " + stage.code());
        }
        return Optional.empty();
    }

    /** The first complete request: who is logging in, to what, and which authentication applies. */
    private Optional<LoginOutcome> start(LoginInput in, List<KeyValue> keys, List<KeyValue> reply) {
        first = in;
        Map<String, String> k = new LinkedHashMap<>();
        keys.forEach(kv -> k.put(kv.key(), kv.value()));
        FIRST_REQUEST_KEYS.forEach(key -> identity.put(key, k.get(key)));
        identity.putIfAbsent(LoginKey.SESSION_TYPE.keyName(), SessionType.NORMAL.value());
        initiatorName = k.get("InitiatorName");
        if (initiatorName == null || initiatorName.isEmpty()) {
            return Optional.of(fail(LoginStatus.MISSING_PARAMETER, in, "no InitiatorName in the first request"));
        }
        String type = k.getOrDefault("SessionType", SessionType.NORMAL.value());
        if (type.equals(SessionType.DISCOVERY.value()) && directory.discoveryEnabled()) {
            sessionType = SessionType.DISCOVERY;
        } else if (type.equals(SessionType.NORMAL.value())) {
            sessionType = SessionType.NORMAL;
        } else {
            return Optional.of(fail(LoginStatus.SESSION_TYPE_NOT_SUPPORTED, in, "SessionType=" + type));
        }
        operational = new OperationalNegotiator(limits, sessionType, in.tsih() == 0);
        if (sessionType == SessionType.DISCOVERY) {
            requiredChap = directory.discoveryAuth();
        } else {
            Optional<LoginOutcome> refused = findTarget(in, k.get("TargetName"), reply);
            if (refused.isPresent()) {
                return refused;
            }
        }
        if (stage == Stage.LOGIN_OPERATIONAL_NEGOTIATION && requiredChap.isPresent()) {
            return Optional.of(fail(LoginStatus.AUTHENTICATION_FAILURE, in, "security stage skipped but CHAP required"));
        }
        return Optional.empty();
    }

    private Optional<LoginOutcome> findTarget(LoginInput in, String targetName, List<KeyValue> reply) {
        if (targetName == null || targetName.isEmpty()) {
            return Optional.of(fail(LoginStatus.MISSING_PARAMETER, in, "no TargetName for a Normal session"));
        }
        TargetLookup found = directory.lookup(targetName);
        if (found instanceof TargetLookup.NotFound) {
            return Optional.of(fail(LoginStatus.NOT_FOUND, in, "no target " + targetName));
        }
        if (found instanceof TargetLookup.Removed) {
            return Optional.of(fail(LoginStatus.TARGET_REMOVED, in, "target " + targetName + " removed"));
        }
        target = ((TargetLookup.Found) found).target();
        if (!directory.allows(target, initiatorName)) {
            return Optional.of(fail(LoginStatus.AUTHORIZATION_FAILURE, in,
                    initiatorName + " not allowed to " + targetName));
        }
        requiredChap = target.chap();
        // RFC 7143 §13.9: the TPGT goes in the first Login Response of a Normal session.
        target.alias().ifPresent(a -> reply.add(new KeyValue(LoginKey.TARGET_ALIAS.keyName(), a)));
        reply.add(new KeyValue(LoginKey.TARGET_PORTAL_GROUP_TAG.keyName(), Integer.toString(target.portalGroupTag())));
        return Optional.empty();
    }

    private LoginOutcome security(LoginInput in, List<KeyValue> keys, List<KeyValue> reply) {
        Map<String, String> chapKeys = new LinkedHashMap<>();
        boolean authMethodSent = false;
        for (KeyValue kv : keys) {
            Optional<LoginKey> key = LoginKey.named(kv.key());
            if (key.isEmpty()) {
                reply.add(new KeyValue(kv.key(), Values.NOT_UNDERSTOOD));
            } else if (key.get() == LoginKey.AUTH_METHOD) {
                authMethodSent = true;
                Optional<String> refused = chooseAuthMethod(kv.value(), reply);
                if (refused.isPresent()) {
                    return fail(LoginStatus.AUTHENTICATION_FAILURE, in, refused.get());
                }
            } else if (key.get().rule() == LoginKey.Rule.SECURITY) {
                chapKeys.put(kv.key(), kv.value());
            } else if (key.get().phase() == LoginKey.Phase.OPERATIONAL) {
                return fail(LoginStatus.INITIATOR_ERROR, in, kv.key() + " sent in the security stage");
            } else if (!FIRST_REQUEST_KEYS.contains(kv.key())) {
                operational.respond(key.get(), kv.value()).ifPresent(reply::add);
            }
        }
        if (!chapKeys.isEmpty() && auth != Auth.CHAP) {
            return fail(LoginStatus.INITIATOR_ERROR, in, "CHAP keys without AuthMethod=CHAP");
        }
        if (auth == Auth.CHAP && (!chapKeys.isEmpty() || !authMethodSent)) {
            AuthOutcome outcome = chap.step(chapKeys);
            if (outcome instanceof AuthOutcome.Failed f) {
                return fail(f.status(), in, f.reason());
            }
            if (outcome instanceof AuthOutcome.InProgress p) {
                reply.addAll(p.reply());
            } else if (outcome instanceof AuthOutcome.Authenticated a) {
                reply.addAll(a.reply());
                auth = Auth.DONE;
            }
        }
        if (!in.transit() || auth == Auth.CHAP) {
            return stay(in, reply);
        }
        if (auth == Auth.NOT_NEGOTIATED) {
            if (requiredChap.isPresent()) {
                return fail(LoginStatus.AUTHENTICATION_FAILURE, in, "leaving security stage without CHAP");
            }
            auth = Auth.DONE;
        }
        Stage next = Stage.of(in.nsg()).orElseThrow();
        if (next == Stage.FULL_FEATURE_PHASE && operational.needsOperationalStage()) {
            // We have values to declare or offer, so stop in the operational stage on the way.
            next = Stage.LOGIN_OPERATIONAL_NEGOTIATION;
        }
        return transit(in, next, reply);
    }

    /** Picks the initiator's first AuthMethod that this target accepts; the reason if there is none. */
    private Optional<String> chooseAuthMethod(String offered, List<KeyValue> reply) {
        String wanted = requiredChap.isPresent() ? "CHAP" : "None";
        for (String method : offered.split(",", -1)) {
            if (method.equals(wanted)) {
                reply.add(new KeyValue(LoginKey.AUTH_METHOD.keyName(), wanted));
                if (requiredChap.isPresent()) {
                    auth = Auth.CHAP;
                    chap = new ChapAuthenticator(requiredChap.get(), random);
                } else {
                    auth = Auth.DONE;
                }
                return Optional.empty();
            }
        }
        return Optional.of("AuthMethod=" + offered + " but the target requires " + wanted);
    }

    private LoginOutcome operational(LoginInput in, List<KeyValue> keys, List<KeyValue> reply) {
        for (KeyValue kv : keys) {
            Optional<LoginKey> key = LoginKey.named(kv.key());
            if (key.isEmpty()) {
                reply.add(new KeyValue(kv.key(), Values.NOT_UNDERSTOOD));
            } else if (key.get().rule() == LoginKey.Rule.SECURITY) {
                return fail(LoginStatus.INITIATOR_ERROR, in, kv.key() + " sent in the operational stage");
            } else if (!FIRST_REQUEST_KEYS.contains(kv.key())) {
                operational.respond(key.get(), kv.value()).ifPresent(reply::add);
            }
        }
        reply.addAll(operational.targetKeys());
        if (!in.transit() || operational.awaitingAnswers()) {
            return stay(in, reply);
        }
        Optional<String> inconsistent = operational.inconsistency();
        if (inconsistent.isPresent()) {
            return fail(LoginStatus.INITIATOR_ERROR, in, inconsistent.get());
        }
        return transit(in, Stage.FULL_FEATURE_PHASE, reply);
    }

    private LoginOutcome stay(LoginInput in, List<KeyValue> reply) {
        return new LoginOutcome(LoginStatus.SUCCESS, false, in.csg(), 0, reply, Optional.empty(), "");
    }

    private LoginOutcome transit(LoginInput in, Stage next, List<KeyValue> reply) {
        stage = next;
        Optional<SessionParameters> done = next == Stage.FULL_FEATURE_PHASE
                ? Optional.of(parameters(in)) : Optional.empty();
        return new LoginOutcome(LoginStatus.SUCCESS, true, in.csg(), next.code(), reply, done, "");
    }

    private SessionParameters parameters(LoginInput in) {
        OperationalNegotiator o = operational;
        return new SessionParameters(sessionType, initiatorName, o.initiatorAlias(),
                Optional.ofNullable(target).map(TargetInfo::name),
                Optional.ofNullable(target).flatMap(TargetInfo::alias),
                target == null ? 0 : target.portalGroupTag(),
                in.isid(), in.tsih(), in.cid(),
                o.value(LoginKey.HEADER_DIGEST).equals("CRC32C"),
                o.value(LoginKey.DATA_DIGEST).equals("CRC32C"),
                (int) o.number(LoginKey.MAX_RECV_DATA_SEGMENT_LENGTH),
                o.targetMaxRecvDataSegmentLength(),
                (int) o.number(LoginKey.MAX_BURST_LENGTH),
                (int) o.number(LoginKey.FIRST_BURST_LENGTH),
                o.flag(LoginKey.INITIAL_R2T),
                o.flag(LoginKey.IMMEDIATE_DATA),
                (int) o.number(LoginKey.MAX_OUTSTANDING_R2T),
                (int) o.number(LoginKey.MAX_CONNECTIONS),
                o.flag(LoginKey.DATA_PDU_IN_ORDER),
                o.flag(LoginKey.DATA_SEQUENCE_IN_ORDER),
                (int) o.number(LoginKey.ERROR_RECOVERY_LEVEL),
                (int) o.number(LoginKey.DEFAULT_TIME_2_WAIT),
                (int) o.number(LoginKey.DEFAULT_TIME_2_RETAIN));
    }

    private static LoginOutcome fail(LoginStatus status, LoginInput in, String reason) {
        return LoginOutcome.failure(status, in.csg(), reason);
    }
}
