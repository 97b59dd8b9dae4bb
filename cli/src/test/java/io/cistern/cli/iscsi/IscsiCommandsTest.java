package io.cistern.cli.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cistern.cli.FakeApi;
import io.cistern.cli.FakeApi.Result;
import org.junit.jupiter.api.Test;

class IscsiCommandsTest {
    @Test
    void targetListHasOneRowPerLun() throws Exception {
        try (FakeApi api = new FakeApi()) {
            api.on("GET", "/api/v1/targets", 200, "[{\"iqn\":\"iqn.2026-11.io.cistern:default\",\"alias\":\"default\","
                    + "\"portals\":[\"127.0.0.1:3260\"],\"luns\":[{\"lun\":0,\"backing\":\"tank/vm1\",\"size\":419430400},"
                    + "{\"lun\":1,\"backing\":\"file:lun1.img\",\"size\":10737418240}],\"acl\":[],\"chap\":false},"
                    + "{\"iqn\":\"iqn.2026-11.io.cistern:empty\",\"alias\":\"\",\"portals\":[\"10.0.0.1:3260\","
                    + "\"10.0.1.1:3260\"],\"luns\":[],\"acl\":[],\"chap\":true}]");
            assertEquals(new Result(0, """
                    TARGET                          ALIAS    PORTALS                      CHAP  LUN  BACKING         SIZE
                    iqn.2026-11.io.cistern:default  default  127.0.0.1:3260               off     0  tank/vm1        400M
                    iqn.2026-11.io.cistern:default  default  127.0.0.1:3260               off     1  file:lun1.img    10G
                    iqn.2026-11.io.cistern:empty    -        10.0.0.1:3260,10.0.1.1:3260  on      -  -                  -
                    """, ""), api.run("target", "list"));
        }
    }

    @Test
    void sessionListShowsInitiatorAddressTargetLunsAndSince() throws Exception {
        try (FakeApi api = new FakeApi()) {
            api.on("GET", "/api/v1/sessions", 200, "[{\"initiator\":\"iqn.2004-10.com.ubuntu:01:abc\","
                    + "\"isid\":\"23d000000001\",\"tsih\":1,\"address\":\"127.0.0.1:51234\","
                    + "\"target\":\"iqn.2026-11.io.cistern:default\",\"luns\":[0,1],\"since\":\"2026-03-04T08:59:00Z\"}]");
            assertEquals(new Result(0, """
                    INITIATOR                      ADDRESS          TARGET                          LUNS                  SINCE
                    iqn.2004-10.com.ubuntu:01:abc  127.0.0.1:51234  iqn.2026-11.io.cistern:default  0,1   Wed Mar  4  8:59 2026
                    """, ""), api.run("session", "list"));
            assertEquals("iqn.2004-10.com.ubuntu:01:abc\t127.0.0.1:51234\tiqn.2026-11.io.cistern:default\t0,1\t"
                    + "2026-03-04T08:59:00Z\n", api.run("session", "list", "-Hp").out());
            api.on("GET", "/api/v1/sessions", 200, "[]");
            assertEquals(new Result(0, "", "no sessions\n"), api.run("session", "list"));
        }
    }
}
