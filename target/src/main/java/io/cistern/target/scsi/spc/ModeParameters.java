package io.cistern.target.scsi.spc;

/**
 * The changeable mode parameters of one logical unit (not saved: nothing survives a restart).
 * Only WCE is changeable; with WCE=0 every write is issued with FUA.
 */
public final class ModeParameters {

    public static final boolean DEFAULT_WCE = true;

    private volatile boolean writeCacheEnabled = DEFAULT_WCE;

    public boolean writeCacheEnabled() {
        return writeCacheEnabled;
    }

    public void writeCacheEnabled(boolean enabled) {
        writeCacheEnabled = enabled;
    }

    /** D_SENSE in the control page: not changeable here, so sense is always fixed format. */
    public boolean descriptorSense() {
        return false;
    }
}
