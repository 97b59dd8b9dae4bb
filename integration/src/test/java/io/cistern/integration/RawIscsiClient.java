package io.cistern.integration;

import io.cistern.target.codec.PduDecoder;
import io.cistern.target.codec.PduEncoder;
import io.cistern.target.pdu.Bhs;
import io.cistern.target.pdu.DataIn;
import io.cistern.target.pdu.DataOut;
import io.cistern.target.pdu.LoginRequest;
import io.cistern.target.pdu.LoginResponse;
import io.cistern.target.pdu.NopIn;
import io.cistern.target.pdu.NopOut;
import io.cistern.target.pdu.Pdu;
import io.cistern.target.pdu.R2t;
import io.cistern.target.pdu.ScsiCommandPdu;
import io.cistern.target.pdu.ScsiResponsePdu;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A deliberately small, blocking iSCSI initiator for tests: one connection, the target's own codec
 * (in an {@link EmbeddedChannel}) to turn PDUs into bytes and back, and raw byte access for
 * malformed input. Not thread-safe; every read is bounded by a timeout.
 */
final class RawIscsiClient implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final int BLOCK = 512;
    /** What this client declares as its MaxRecvDataSegmentLength. */
    static final int OUR_MAX_RECV = 65536;
    private static final String INITIATOR = "iqn.2026-11.io.cistern:raw-client";

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final PduDecoder decoder = new PduDecoder();
    private final PduEncoder encoder = new PduEncoder();
    private final EmbeddedChannel codec = new EmbeddedChannel(decoder, encoder);
    private final long isid = 0x800000000000L | ThreadLocalRandom.current().nextInt() & 0xffffffffL;
    private boolean closed;
    private int itt = 1;
    private int cmdSn = 1;
    private int expStatSn;
    private int maxCmdSn;
    private Map<String, String> negotiated = Map.of();

    RawIscsiClient(InetSocketAddress portal) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(portal, (int) TIMEOUT.toMillis());
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    // ---- login ----

    /** The keys of a Normal-session leading login; tests add or override keys (HeaderDigest, ...). */
    static Map<String, String> normalLoginKeys(String targetName) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("InitiatorName", INITIATOR);
        keys.put("TargetName", targetName);
        keys.put("SessionType", "Normal");
        keys.put("HeaderDigest", "None");
        keys.put("DataDigest", "None");
        keys.put("ImmediateData", "Yes");
        keys.put("InitialR2T", "No");
        keys.put("MaxRecvDataSegmentLength", Integer.toString(OUR_MAX_RECV));
        return keys;
    }

    /**
     * Logs in straight into the operational stage (no authentication), answering the target's offers
     * with their own values, and switches the codec to the negotiated digests.
     *
     * @return every key the target sent, last value wins
     */
    Map<String, String> login(Map<String, String> keys) throws IOException {
        Map<String, String> toSend = new LinkedHashMap<>(keys);
        Map<String, String> answers = new LinkedHashMap<>();
        for (int round = 0; round < 8; round++) {
            LoginResponse r = loginStep(loginRequest(true, false, 1, 3, 0, text(toSend)));
            Map<String, String> got = parseText(r);
            r.release();
            if (r.statusClass() != 0) {
                throw new IOException("login refused: class " + r.statusClass() + " detail " + r.statusDetail());
            }
            answers.putAll(got);
            if (r.entersFullFeaturePhase()) {
                cmdSn = r.expCmdSN();
                maxCmdSn = r.maxCmdSN();
                negotiated = answers;
                boolean hd = "CRC32C".equals(answers.get("HeaderDigest"));
                boolean dd = "CRC32C".equals(answers.get("DataDigest"));
                encoder.setHeaderDigest(hd);
                encoder.setDataDigest(dd);
                decoder.setHeaderDigest(hd);
                decoder.setDataDigest(dd);
                decoder.setMaxDataSegmentLength(OUR_MAX_RECV);
                return answers;
            }
            // Answer what the target offered and we have not sent yet, accepting its values.
            toSend = new LinkedHashMap<>(got);
            keys.keySet().forEach(toSend::remove);
            toSend.remove("TargetPortalGroupTag");
            toSend.remove("TargetAlias");
            toSend.remove("MaxRecvDataSegmentLength");
        }
        throw new IOException("login did not finish in 8 rounds");
    }

    /** A Login Request with our ISID and the next ITT. */
    LoginRequest loginRequest(boolean transit, boolean isContinue, int csg, int nsg, int versionMin,
                              byte[] text) {
        return new LoginRequest(transit, isContinue, csg, nsg, 0, versionMin, isid, 0, itt++, 0, cmdSn,
                expStatSn, Unpooled.wrappedBuffer(text));
    }

    /** Sends one Login Request and returns the Login Response (caller releases). */
    LoginResponse loginStep(LoginRequest request) throws IOException {
        send(request);
        Pdu p = read();
        if (!(p instanceof LoginResponse r)) {
            ReferenceCountUtil.release(p);
            throw new IOException("expected a Login Response, got " + describe(p));
        }
        expStatSn = r.statSN() + 1;
        return r;
    }

    static byte[] text(Map<String, String> keys) {
        StringBuilder sb = new StringBuilder();
        keys.forEach((k, v) -> sb.append(k).append('=').append(v).append('\0'));
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static Map<String, String> parseText(LoginResponse r) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String pair : r.content().toString(StandardCharsets.UTF_8).split("\0")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                keys.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return keys;
    }

    int targetMaxRecv() {
        return Integer.parseInt(negotiated.getOrDefault("MaxRecvDataSegmentLength", "8192"));
    }

    // ---- sending ----

    /** The bytes of {@code pdu} as the current digest settings frame it; releases the PDU. */
    byte[] encode(Pdu pdu) {
        codec.writeOutbound(pdu);
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf b; (b = codec.readOutbound()) != null; ) {
            all.writeBytes(b);
            b.release();
        }
        byte[] bytes = ByteBufUtil.getBytes(all);
        all.release();
        return bytes;
    }

    void send(Pdu pdu) throws IOException {
        sendRaw(encode(pdu));
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Half-closes: the target sees EOF, we can still read. */
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    int nextItt() {
        return itt++;
    }

    /** Takes the next CmdSN (non-immediate command). */
    int nextCmdSn() {
        return cmdSn++;
    }

    /** MaxCmdSN as of the final Login Response. */
    int loginMaxCmdSn() {
        return maxCmdSn;
    }

    /** The CmdSN the next command will take (immediate PDUs carry it too). */
    int cmdSn() {
        return cmdSn;
    }

    int expStatSn() {
        return expStatSn;
    }

    // ---- receiving ----

    /**
     * The next PDU (or {@link io.cistern.target.codec.MalformedPdu}) from the target, caller releases;
     * null once the target closed the connection. Target NOP-In pings are answered here and skipped.
     *
     * @throws SocketTimeoutException if nothing arrives within {@link #TIMEOUT}
     */
    Object readAny(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] chunk = new byte[65536];
        while (true) {
            Object msg = codec.readInbound();
            if (msg instanceof NopIn nop && nop.targetTransferTag() != Bhs.RESERVED_TAG) {
                send(new NopOut(true, 0, Bhs.RESERVED_TAG, nop.targetTransferTag(), cmdSn, nop.statSN(),
                        Unpooled.EMPTY_BUFFER));
                nop.release();
                continue;
            }
            if (msg != null) {
                if (msg instanceof Pdu p) {
                    trackStatSn(p);
                }
                return msg;
            }
            if (closed) {
                return null;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("no PDU from the target within " + timeout);
            }
            socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
            int n;
            try {
                n = in.read(chunk);
            } catch (SocketTimeoutException e) {
                throw new SocketTimeoutException("no PDU from the target within " + timeout);
            } catch (SocketException e) {
                n = -1; // reset by the target: closed as well
            }
            if (n < 0) {
                closed = true;
            } else {
                codec.writeInbound(Unpooled.copiedBuffer(chunk, 0, n));
            }
        }
    }

    /** The next well-formed PDU, or null once the target closed the connection. */
    Pdu read() throws IOException {
        Object msg = readAny(TIMEOUT);
        if (msg == null || msg instanceof Pdu) {
            return (Pdu) msg;
        }
        throw new IOException("target sent a PDU our decoder refuses: " + msg);
    }

    /** Reads (and releases) PDUs until the target closes; the PDUs' descriptions, in order. */
    List<String> awaitClose(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            Object msg = readAny(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (msg == null) {
                return seen;
            }
            seen.add(describe(msg));
            ReferenceCountUtil.release(msg);
        }
        throw new IOException("target kept sending and did not close: " + seen.subList(0, 10));
    }

    private void trackStatSn(Pdu p) {
        if (p instanceof ScsiResponsePdu r) {
            expStatSn = r.statSN() + 1;
        } else if (p instanceof NopIn n && n.initiatorTaskTag() != Bhs.RESERVED_TAG) {
            expStatSn = n.statSN() + 1;
        } else if (p instanceof DataIn d && d.statusPresent()) {
            expStatSn = d.statSN() + 1;
        }
    }

    static String describe(Object msg) {
        return msg == null ? "connection closed" : msg.toString();
    }

    // ---- SCSI ----

    /** The outcome of one SCSI command: status, sense (empty if none) and Data-In bytes. */
    record ScsiResult(int status, byte[] sense, byte[] data) {
        int senseKey() {
            if (sense.length < 3) {
                return -1;
            }
            return (sense[0] & 0x7f) >= 0x72 ? sense[1] & 0x0f : sense[2] & 0x0f;
        }

        int asc() {
            if ((sense[0] & 0x7f) >= 0x72) {
                return sense.length > 2 ? sense[2] & 0xff : -1;
            }
            return sense.length > 12 ? sense[12] & 0xff : -1;
        }
    }

    static byte[] cdb10(int opcode, long lba, int blocks) {
        byte[] cdb = new byte[10];
        cdb[0] = (byte) opcode;
        for (int i = 0; i < 4; i++) {
            cdb[2 + i] = (byte) (lba >>> (24 - 8 * i));
        }
        cdb[7] = (byte) (blocks >>> 8);
        cdb[8] = (byte) blocks;
        return cdb;
    }

    /** A SCSI Command PDU for LUN 0 with the next ITT and CmdSN. */
    ScsiCommandPdu command(byte[] cdb, boolean read, boolean write, boolean isFinal, int edtl, ByteBuf immediate) {
        return new ScsiCommandPdu(false, isFinal, read, write, 1, 0, nextItt(), edtl, nextCmdSn(), expStatSn, cdb,
                OptionalInt.empty(), immediate);
    }

    /** TEST UNIT READY until GOOD: a new I_T nexus first sees its unit attentions (power on, reset). */
    void clearUnitAttentions() throws IOException {
        for (int i = 0; i < 8; i++) {
            ScsiCommandPdu tur = command(new byte[6], false, false, true, 0, Unpooled.EMPTY_BUFFER);
            send(tur);
            ScsiResult r = finish(tur.initiatorTaskTag(), null, 0);
            if (r.status() == 0) {
                return;
            }
        }
        throw new IOException("TEST UNIT READY never returned GOOD");
    }

    ScsiResult write10(long lba, byte[] data) throws IOException {
        int immediate = Math.min(data.length, Math.min(targetMaxRecv(),
                Integer.parseInt(negotiated.getOrDefault("FirstBurstLength", "65536"))));
        if (!"Yes".equals(negotiated.get("ImmediateData"))) {
            immediate = 0;
        }
        ScsiCommandPdu cmd = command(cdb10(0x2a, lba, data.length / BLOCK), false, true, true, data.length,
                Unpooled.wrappedBuffer(data, 0, immediate));
        send(cmd);
        return finish(cmd.initiatorTaskTag(), data, 0);
    }

    ScsiResult read10(long lba, int blocks) throws IOException {
        ScsiCommandPdu cmd = command(cdb10(0x28, lba, blocks), true, false, true, blocks * BLOCK,
                Unpooled.EMPTY_BUFFER);
        send(cmd);
        return finish(cmd.initiatorTaskTag(), null, blocks * BLOCK);
    }

    /** REPORT LUNS (SPC-4 6.33): the LUNs this nexus sees, as flat-space numbers. */
    List<Long> reportLuns() throws IOException {
        byte[] cdb = new byte[12];
        cdb[0] = (byte) 0xa0;
        ByteBuffer.wrap(cdb, 6, 4).putInt(4096);
        ScsiCommandPdu cmd = command(cdb, true, false, true, 4096, Unpooled.EMPTY_BUFFER);
        send(cmd);
        ScsiResult r = finish(cmd.initiatorTaskTag(), null, 4096);
        if (r.status() != 0) {
            throw new IOException("REPORT LUNS ended with status " + r.status());
        }
        ByteBuffer b = ByteBuffer.wrap(r.data());
        List<Long> luns = new ArrayList<>();
        for (int i = 0, n = b.getInt(0) / 8; i < n; i++) {
            luns.add((b.getLong(8 + 8 * i) >>> 48) & 0x3fff);
        }
        return luns;
    }

    /** Runs a command to its status: answers R2Ts from {@code writeData}, gathers up to {@code readLength} of Data-In. */
    ScsiResult finish(int itt, byte[] writeData, int readLength) throws IOException {
        byte[] dataIn = new byte[readLength];
        for (int i = 0; i < 100_000; i++) {
            Pdu p = read();
            if (p == null) {
                throw new IOException("target closed the connection during command " + itt);
            }
            try {
                if (p instanceof R2t r2t && r2t.initiatorTaskTag() == itt) {
                    answer(r2t, writeData);
                } else if (p instanceof DataIn d && d.initiatorTaskTag() == itt) {
                    d.content().getBytes(d.content().readerIndex(), dataIn, d.bufferOffset(),
                            d.content().readableBytes());
                    if (d.statusPresent()) {
                        return new ScsiResult(d.status(), new byte[0], dataIn);
                    }
                } else if (p instanceof ScsiResponsePdu r && r.initiatorTaskTag() == itt) {
                    ByteBuf c = r.content();
                    byte[] sense = c.readableBytes() >= 2
                            ? ByteBufUtil.getBytes(c, c.readerIndex() + 2, c.getUnsignedShort(c.readerIndex()))
                            : new byte[0];
                    return new ScsiResult(r.status(), sense, dataIn);
                } else {
                    throw new IOException("unexpected PDU during command " + itt + ": " + p);
                }
            } finally {
                ReferenceCountUtil.release(p);
            }
        }
        throw new IOException("command " + itt + " did not end");
    }

    private void answer(R2t r2t, byte[] data) throws IOException {
        int chunk = targetMaxRecv();
        int end = r2t.bufferOffset() + r2t.desiredDataTransferLength();
        int dataSn = 0;
        for (int off = r2t.bufferOffset(); off < end; off += chunk) {
            int len = Math.min(chunk, end - off);
            send(new DataOut(off + len == end, 0, r2t.initiatorTaskTag(), r2t.targetTransferTag(), expStatSn,
                    dataSn++, off, Unpooled.wrappedBuffer(data, off, len)));
        }
    }

    /** An immediate NOP-Out ping; returns once its NOP-In came back, failing on anything else. */
    void ping() throws IOException {
        int tag = nextItt();
        send(new NopOut(true, 0, tag, Bhs.RESERVED_TAG, cmdSn, expStatSn, Unpooled.EMPTY_BUFFER));
        Pdu p = read();
        try {
            if (!(p instanceof NopIn nop) || nop.initiatorTaskTag() != tag) {
                throw new IOException("expected the NOP-In answering ping " + tag + ", got " + describe(p));
            }
        } finally {
            ReferenceCountUtil.release(p);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        codec.finishAndReleaseAll();
    }
}
