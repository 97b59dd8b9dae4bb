package io.cistern.thinpool.pool;

import io.cistern.thinpool.device.CrashingDevice;
import io.cistern.thinpool.kv.Batch;
import io.cistern.thinpool.kv.ForwardingStore;
import io.cistern.thinpool.kv.KvException;
import io.cistern.thinpool.kv.MemoryKeyValueStore;
import java.io.IOException;

/**
 * The metadata store of a {@link CrashingDevice}'s pool: every write is one mutating call of the device's
 * cut-point count, so a cut can fall between the device sync of a commit and its metadata write. Synced
 * writes land in {@link #durable()}; unsynced ones too (nothing in the pool writes unsynced; a store that
 * buffered them would need modelling here).
 */
final class CrashingStore extends ForwardingStore {
    private final CrashingDevice device;

    CrashingStore(MemoryKeyValueStore store, CrashingDevice device) {
        super(store);
        this.device = device;
    }

    MemoryKeyValueStore durable() {
        return store;
    }

    @Override
    public void write(Batch batch, boolean sync) {
        synchronized (device) { // the cut and the write are one step with respect to the device
            try {
                device.mutation();
            } catch (IOException e) {
                throw new KvException("metadata write cut: " + e.getMessage(), e);
            }
            store.write(batch, sync);
        }
    }
}
