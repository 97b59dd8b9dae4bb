package io.cistern.thinpool.kv;

/** A store that passes every call to a {@link MemoryKeyValueStore}: tests override the calls they watch or cut. */
public class ForwardingStore implements KeyValueStore {
    protected final MemoryKeyValueStore store;

    public ForwardingStore(MemoryKeyValueStore store) {
        this.store = store;
    }

    @Override
    public byte[] get(byte[] key) {
        return store.get(key);
    }

    @Override
    public Cursor scan(byte[] from, byte[] to) {
        return store.scan(from, to);
    }

    @Override
    public void write(Batch batch, boolean sync) {
        store.write(batch, sync);
    }

    @Override
    public CacheStats cacheStats() {
        return store.cacheStats();
    }

    @Override
    public MemoryUsage memory() {
        return store.memory();
    }

    @Override
    public void close() {
        store.close();
    }
}
