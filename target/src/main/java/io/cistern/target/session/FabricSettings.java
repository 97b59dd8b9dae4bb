package io.cistern.target.session;

import io.cistern.target.login.TargetLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * How the iSCSI fabric runs, beyond what login negotiates.
 *
 * @param limits            what login offers and accepts
 * @param queueDepth        commands an initiator may have outstanding per session (the CmdSN window)
 * @param maxWriteLength    the largest Expected Data Transfer Length accepted for a write, bounding
 *                          the memory one command may pin
 * @param nopInterval       idle time after which the target pings the initiator with a NOP-In
 * @param nopTimeout        idle time after which an unanswered connection is dropped
 * @param loginTimeout      how long a connection may take to complete login
 * @param logoutGrace       how long a clean shutdown waits for initiators to log out after the Async Message
 * @param eventLoopThreads  Netty event loop threads (0: Netty's default, twice the cores)
 */
public record FabricSettings(TargetLimits limits, int queueDepth, int maxWriteLength, Duration nopInterval,
                             Duration nopTimeout, Duration loginTimeout, Duration logoutGrace,
                             int eventLoopThreads) {
    public FabricSettings {
        Objects.requireNonNull(limits, "limits");
        if (queueDepth < 1 || queueDepth > 65536) {
            throw new IllegalArgumentException("queue depth must be 1..65536: " + queueDepth);
        }
        if (maxWriteLength < limits.maxBurstLength()) {
            throw new IllegalArgumentException("max write length below MaxBurstLength: " + maxWriteLength);
        }
    }
}
