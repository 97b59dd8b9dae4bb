package io.cistern.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cistern.cli.FakeApi;
import io.cistern.cli.FakeApi.Request;
import io.cistern.cli.FakeApi.Result;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReloadCommandTest {
    @Test
    void printsWhatChangedOrTheProblems() throws Exception {
        try (FakeApi api = new FakeApi()) {
            api.on("POST", "/api/v1/reload", 200, "{\"changes\":[\"logging levels changed\",\"target added: iqn.x:y\"]}");
            assertEquals(new Result(0, "logging levels changed\ntarget added: iqn.x:y\n", ""), api.run("reload"));
            assertEquals(List.of(new Request("POST", "/api/v1/reload", "Bearer " + FakeApi.TOKEN, "")), api.requests());
            api.on("POST", "/api/v1/reload", 200, "{\"changes\":[]}");
            assertEquals(new Result(0, "", "no changes\n"), api.run("reload"));
            api.on("POST", "/api/v1/reload", 400, "{\"error\":\"configuration not reloaded, nothing changed: 1 problem(s):"
                    + "\\nc.conf:2: cistern.pools.tank.size: not a size\"}");
            assertEquals(new Result(1, "", "cistern: configuration not reloaded, nothing changed: 1 problem(s):\n"
                    + "c.conf:2: cistern.pools.tank.size: not a size\n"), api.run("reload"));
            assertEquals(2, api.run("reload", "now").status());
        }
    }
}
