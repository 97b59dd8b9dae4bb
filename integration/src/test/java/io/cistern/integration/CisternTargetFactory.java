package io.cistern.integration;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.cistern.daemon.Daemon;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

/** Starts the Cistern daemon in this JVM, on a free loopback port, serving one file LUN. */
public final class CisternTargetFactory implements TargetFactory {
    static final String IQN = "iqn.2026-11.io.cistern:test";

    @Override
    public String name() {
        return "cistern";
    }

    @Override
    public TargetUnderTest start(TargetSpec spec) throws Exception {
        int port = freePort();
        Map<String, Object> lun = Map.of("lun", 0, "file", spec.backingFile().toAbsolutePath().toString(),
                "size", spec.sizeBytes());
        Config target = ConfigFactory.empty()
                .withValue("iqn", ConfigValueFactory.fromAnyRef(IQN))
                .withValue("portals", ConfigValueFactory.fromIterable(List.of("127.0.0.1:" + port)))
                .withValue("luns", ConfigValueFactory.fromIterable(List.of(lun)));
        if (spec.chap().isPresent()) {
            Chap chap = spec.chap().get();
            target = target.withValue("chap.user", ConfigValueFactory.fromAnyRef(chap.user()))
                    .withValue("chap.secret", ConfigValueFactory.fromAnyRef(chap.secret()));
            if (chap.isMutual()) {
                target = target.withValue("chap.mutual-user", ConfigValueFactory.fromAnyRef(chap.mutualUser()))
                        .withValue("chap.mutual-secret", ConfigValueFactory.fromAnyRef(chap.mutualSecret()));
            }
        }
        Config config = ConfigFactory.empty()
                .withValue("cistern.data-dir", ConfigValueFactory.fromAnyRef(
                        spec.backingFile().toAbsolutePath().getParent().toString()))
                .withValue("cistern.targets.test", target.root())
                .withValue("cistern.api.listen", ConfigValueFactory.fromIterable(List.of("127.0.0.1:0")))
                .withFallback(ConfigFactory.defaultReference()).resolve();
        Daemon daemon = Daemon.start(config);
        InetSocketAddress portal = new InetSocketAddress("127.0.0.1", port);
        return new TargetUnderTest() {
            @Override
            public InetSocketAddress portal() {
                return portal;
            }

            @Override
            public String iqn() {
                return IQN;
            }

            @Override
            public int lun() {
                return 0;
            }

            @Override
            public void close() {
                daemon.close();
            }
        };
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
