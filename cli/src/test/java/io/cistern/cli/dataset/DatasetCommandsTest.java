package io.cistern.cli.dataset;

import static io.cistern.cli.Datasets.K;
import static io.cistern.cli.Datasets.M;
import static io.cistern.cli.Datasets.array;
import static io.cistern.cli.Datasets.snapshot;
import static io.cistern.cli.Datasets.volume;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cistern.cli.FakeApi;
import io.cistern.cli.FakeApi.Request;
import io.cistern.cli.FakeApi.Result;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each dataset command's request on the wire and its output, against the API test double. */
class DatasetCommandsTest {
    private static final String BEARER = "Bearer " + FakeApi.TOKEN;
    private FakeApi api;

    @BeforeEach
    void start() throws Exception {
        api = new FakeApi();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void createSendsSizeSparsenessAndTypedProperties() {
        api.on("POST", "/api/v1/datasets", 201, "{}");
        assertEquals(new Result(0, "", ""), api.run("create", "-s", "-V", "1.5G", "-b", "16K", "-o", "readonly=on",
                "-o", "shareiscsi=on", "tank/vm1"));
        assertEquals(new Request("POST", "/api/v1/datasets", BEARER, "{\"name\":\"tank/vm1\",\"volsize\":1610612736,"
                + "\"sparse\":true,\"properties\":{\"readonly\":true,\"shareiscsi\":\"on\",\"volblocksize\":16384}}"),
                last());
    }

    @Test
    void setPatchesEachNamedDataset() {
        api.on("PATCH", "/api/v1/datasets/tank/vm1", 200, "{}").on("PATCH", "/api/v1/datasets/tank/vm2", 200, "{}");
        assertEquals(0, api.run("set", "volsize=2G", "rdonly=off", "tank/vm1", "tank/vm2").status());
        String body = "{\"properties\":{\"volsize\":2147483648,\"readonly\":false}}";
        assertEquals(List.of(new Request("PATCH", "/api/v1/datasets/tank/vm1", BEARER, body),
                new Request("PATCH", "/api/v1/datasets/tank/vm2", BEARER, body)), api.requests());
    }

    @Test
    void snapshotCloneRollbackRenameDestroy() {
        api.on("POST", "/api/v1/datasets/tank/vm1/snapshots", 201, "{}")
                .on("POST", "/api/v1/datasets/tank/vm1@monday/clone", 201, "{}")
                .on("POST", "/api/v1/datasets/tank/vm1@monday/rollback", 200, "{}")
                .on("POST", "/api/v1/datasets/tank/vm2/rename", 200, "{}")
                .on("DELETE", "/api/v1/datasets/tank/vm1?recursive=true", 204, "");
        for (String line : List.of("snapshot tank/vm1@monday", "clone -s tank/vm1@monday tank/vm2",
                "rollback tank/vm1@monday", "rename tank/vm2 tank/web", "destroy -r tank/vm1")) {
            assertEquals(new Result(0, "", ""), api.run(line.split(" ")), line);
        }
        assertEquals(List.of(
                new Request("POST", "/api/v1/datasets/tank/vm1/snapshots", BEARER, "{\"snapshot\":\"monday\"}"),
                new Request("POST", "/api/v1/datasets/tank/vm1@monday/clone", BEARER,
                        "{\"name\":\"tank/vm2\",\"sparse\":true}"),
                new Request("POST", "/api/v1/datasets/tank/vm1@monday/rollback", BEARER, ""),
                new Request("POST", "/api/v1/datasets/tank/vm2/rename", BEARER, "{\"name\":\"tank/web\"}"),
                new Request("DELETE", "/api/v1/datasets/tank/vm1?recursive=true", BEARER, "")), api.requests());
    }

    @Test
    void refusalsPrintTheApisMessageAndExitOne() {
        api.on("DELETE", "/api/v1/datasets/tank/vm1", 409,
                "{\"error\":\"cannot destroy 'tank/vm1': it has snapshots; use -r\"}");
        api.on("POST", "/api/v1/datasets/tank/vm1/snapshots", 507,
                "{\"error\":\"cannot create snapshot 'tank/vm1@b': out of space\"}");
        assertEquals(new Result(1, "", "cistern: cannot destroy 'tank/vm1': it has snapshots; use -r\n"),
                api.run("destroy", "tank/vm1"));
        assertEquals(new Result(1, "", "cistern: cannot create snapshot 'tank/vm1@b': out of space\n"),
                api.run("snapshot", "tank/vm1@b"));
    }

    @Test
    void destroyWaitsUntilTheSpaceIsFreeShowingProgressOnATerminal() {
        api.on("DELETE", "/api/v1/datasets/tank/big", 202, "{\"id\":\"4\",\"kind\":\"destroy\",\"target\":\"tank/big\","
                + "\"state\":\"running\",\"progress\":0,\"startedAt\":\"2026-03-04T09:04:00Z\"}");
        String running = "{\"id\":\"4\",\"state\":\"running\",\"progress\":0.8,\"startedAt\":\"2026-03-04T09:04:00Z\"}";
        String done = "{\"id\":\"4\",\"state\":\"done\",\"progress\":1,\"startedAt\":\"2026-03-04T09:04:00Z\","
                + "\"result\":{\"freed\":4294967296}}";
        api.onInTurn("GET", "/api/v1/operations/4", running, running, done);
        assertEquals(new Result(0, """
                tank/big: freeing 0.00% done, no estimated completion time
                tank/big: freeing 80.00% done, 00:00:15 to go
                tank/big: freed 4G
                """, ""), api.runOnTerminal("destroy", "tank/big"));
        assertEquals(4, api.requests().size()); // polled until done

        api.onInTurn("GET", "/api/v1/operations/4", running, done);
        assertEquals(new Result(0, "", ""), api.run("destroy", "tank/big")); // a script: quiet, returns once free
        assertEquals(new Request("GET", "/api/v1/operations/4", BEARER, ""), api.requests().get(api.requests().size() - 1));

        api.on("GET", "/api/v1/operations/4", 200, "{\"id\":\"4\",\"state\":\"failed\",\"progress\":0.5,"
                + "\"error\":\"pool closed before its background work ended (it resumes at the next open)\"}");
        assertEquals(new Result(1, "", "cistern: tank/big is destroyed, but freeing its space stopped: pool closed before"
                + " its background work ended (it resumes at the next open)\n"), api.run("destroy", "tank/big"));
    }

    @Test
    void importSendsTheAbsoluteImageAndWaitsForTheCopyShowingProgressOnATerminal() {
        api.on("POST", "/api/v1/datasets", 202, "{\"id\":\"7\",\"kind\":\"import\",\"target\":\"tank/vm\","
                + "\"state\":\"running\",\"progress\":0,\"startedAt\":\"2026-03-04T09:04:00Z\"}");
        String running = "{\"id\":\"7\",\"state\":\"running\",\"progress\":0.25,\"startedAt\":\"2026-03-04T09:04:00Z\"}";
        String done = "{\"id\":\"7\",\"state\":\"done\",\"progress\":1,\"startedAt\":\"2026-03-04T09:04:00Z\","
                + "\"result\":{\"bytes\":4294967296}}";
        api.onInTurn("GET", "/api/v1/operations/7", running, running, done);
        assertEquals(new Result(0, """
                tank/vm: importing 0.00% done, no estimated completion time
                tank/vm: importing 25.00% done, 00:03:00 to go
                tank/vm: imported 4G
                """, ""), api.runOnTerminal("import", "-b", "16K", "-o", "readonly=on", "/srv/disk.img", "tank/vm"));
        assertEquals(new Request("POST", "/api/v1/datasets", BEARER, "{\"name\":\"tank/vm\",\"image\":\"/srv/disk.img\","
                + "\"sparse\":true,\"properties\":{\"readonly\":true,\"volblocksize\":16384}}"), api.requests().get(0));
        assertEquals(4, api.requests().size()); // polled until done

        api.onInTurn("GET", "/api/v1/operations/7", running, done);
        assertEquals(new Result(0, "", ""), api.run("import", "-R", "disk.img", "tank/vm")); // a script: quiet
        String here = java.nio.file.Path.of("disk.img").toAbsolutePath().toString();
        assertEquals(new Request("POST", "/api/v1/datasets", BEARER, "{\"name\":\"tank/vm\",\"image\":\"" + here
                + "\",\"sparse\":false,\"properties\":{}}"), api.requests().get(4));

        api.on("GET", "/api/v1/operations/7", 200, "{\"id\":\"7\",\"state\":\"failed\",\"progress\":0.5,"
                + "\"error\":\"copying the image into 'tank/vm' stopped: tank: out of space; 'tank/vm' is destroyed\"}");
        assertEquals(new Result(1, "", "cistern: copying the image into 'tank/vm' stopped: tank: out of space;"
                + " 'tank/vm' is destroyed\n"), api.run("import", "/srv/disk.img", "tank/vm"));

        api.on("POST", "/api/v1/datasets", 400, "{\"error\":\"image '/srv/nope.img' does not exist\"}");
        assertEquals(new Result(1, "", "cistern: image '/srv/nope.img' does not exist\n"),
                api.run("import", "/srv/nope.img", "tank/vm"));
        int sent = api.requests().size();
        assertEquals(2, api.run("import", "tank/vm").status());
        assertEquals(2, api.run("import", "-o", "volsize=1G", "/srv/disk.img", "tank/vm").status());
        assertEquals(2, api.run("import", "/srv/disk.img", "tank/vm@s").status());
        assertEquals(sent, api.requests().size()); // nothing sent for a bad command line
    }

    @Test
    void listDefaultsToVolumesWithNameUsedAvailRefer() {
        api.on("GET", "/api/v1/datasets?type=volume", 200, array(
                volume("tank/web", 80 * M, 0, 1 << 20, 0, 1 << 20, 1 << 20, 10L << 30, 0),
                volume("tank/db", 880 * M, 0, 12 * K, 414 * M, 12 * K, 12 * K, 400 * M, 414 * M)));
        assertEquals(new Result(0, """
                NAME       USED  AVAIL  REFER
                tank/db    414M   880M    12K
                tank/web     1M    80M     1M
                """, ""), api.run("list"));
        assertEquals(new Result(0, """
                NAME      VOLSIZE  REFRESERV  RDONLY
                tank/web      10G       none  off
                tank/db      400M       414M  off
                """, ""), api.run("list", "-o", "name,volsize,refreserv,readonly", "-S", "volsize"));
    }

    @Test
    void aNamedSnapshotIsListedWithoutTypeOption() {
        api.on("GET", "/api/v1/datasets/tank/db@a", 200, snapshot("tank/db@a", 56 * K, 101 * M, 101 * M).toString());
        assertEquals(new Result(0, "NAME        USED  AVAIL  REFER\ntank/db@a    56K      -   101M\n", ""),
                api.run("list", "tank/db@a"));
        assertEquals(new Result(0, "", "no datasets available\n"), api.run("list", "-t", "volume", "tank/db@a"));
    }

    @Test
    void getPrintsNamePropertyValueSourceWithZfsWidths() {
        api.on("GET", "/api/v1/datasets/tank/db", 200,
                volume("tank/db", 880 * M, 0, 12 * K, 414 * M, 12 * K, 12 * K, 400 * M, 414 * M).toString());
        Result r = api.run("get", "used,volsize,refreserv,rdonly", "tank/db");
        // VALUE is as wide as the widest fixed-width column asked for (REFRESERV), as zfs get's is.
        assertEquals(new Result(0, """
                NAME     PROPERTY        VALUE      SOURCE
                tank/db  used            414M       -
                tank/db  volsize         400M       local
                tank/db  refreservation  414M       local
                tank/db  readonly        off        default
                """, ""), r);
        assertEquals(new Result(0, "tank/db\tvolsize\t419430400\tlocal\n", ""),
                api.run("get", "-Hp", "volsize", "tank/db"));
        assertEquals(new Result(0, "400M\n", ""), api.run("get", "-H", "-o", "value", "volsize", "tank/db"));
    }

    @Test
    void getAllFollowsZfsOrderAndFormatsEachKind() {
        api.on("GET", "/api/v1/datasets/tank/db", 200,
                volume("tank/db", 880 * M, 0, 12 * K, 414 * M, 12 * K, 12 * K, 400 * M, 414 * M).toString());
        Result r = api.run("get", "-H", "-o", "property,value", "all", "tank/db");
        assertEquals(0, r.status(), r.err());
        assertEquals("""
                type\tvolume
                creation\tSun Mar  1  8:07 2026
                used\t414M
                available\t880M
                referenced\t12K
                compressratio\t1.00x
                origin\t-
                volsize\t400M
                volblocksize\t8K
                readonly\toff
                shareiscsi\toff
                refreservation\t414M
                guid\t17141455340451283742
                usedbysnapshots\t0B
                usedbydataset\t12K
                usedbychildren\t0B
                usedbyrefreservation\t414M
                written\t12K
                """, r.out());
        assertEquals("tank/db\tcreation\t1772352426\t-\ntank/db\tcompressratio\t1.00\t-\n",
                api.run("get", "-Hp", "creation,ratio", "tank/db").out());
    }

    private Request last() {
        List<Request> requests = api.requests();
        return requests.get(requests.size() - 1);
    }
}
