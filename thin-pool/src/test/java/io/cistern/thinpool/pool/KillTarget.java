package io.cistern.thinpool.pool;

import java.nio.file.Path;

/**
 * Child process of {@link SigkillTest}: creates a file pool, then writes numbered blocks
 * forever, printing "acked N" after each FUA write completes, until it is killed.
 */
public final class KillTarget {
    private KillTarget() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        Path meta = Path.of(args[1]);
        Pool pool = Pool.createOnFile(file, 64L << 20, false, meta, PoolConfig.defaults());
        Volume v = pool.createVolume("v", VolumeSpec.sparse(32L << 20));
        for (int i = 0; ; i++) {
            long block = i % 8192;
            boolean fua = i % 3 == 0;
            v.write(block * 4096, SigkillTest.content(i), fua).join();
            if (fua) {
                System.out.println("acked " + i);
                System.out.flush();
            }
        }
    }

}
