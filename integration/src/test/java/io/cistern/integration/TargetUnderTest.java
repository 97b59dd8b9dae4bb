package io.cistern.integration;

import java.net.InetSocketAddress;

/** A running iSCSI target with one disk LUN, started from a {@link TargetSpec}; {@link #close()} stops it. */
public interface TargetUnderTest extends AutoCloseable {
    /** The portal it listens on (127.0.0.1). */
    InetSocketAddress portal();

    /** The target's IQN. */
    String iqn();

    /** The disk LUN (for tgt 1; LUN 0 is tgt's controller). */
    int lun();

    /** Stops the target and frees its port; must not throw for an already stopped target. */
    @Override
    void close();

    /** The URL of the LUN without credentials. */
    default IscsiUrl url() {
        return new IscsiUrl(portal().getHostString(), portal().getPort(), iqn(), lun());
    }
}
