package io.cistern.integration;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An iSCSI LUN address, optionally with CHAP credentials, rendered for the clients that take URLs.
 *
 * <ul>
 *   <li>QEMU and libiscsi: {@code iscsi://USER%SECRET@HOST:PORT/IQN/LUN} (one-way CHAP).</li>
 *   <li>libiscsi only (iscsi-test-cu, iscsi-inq, ...): mutual CHAP through the query
 *       {@code ?target_user=MUSER&target_password=MSECRET}. QEMU's iscsi driver has no mutual CHAP.</li>
 * </ul>
 * Neither parser decodes percent escapes, so credentials are restricted to characters that need none.
 */
public record IscsiUrl(String host, int port, String iqn, int lun, Optional<Chap> chap) {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._~-]+");

    public IscsiUrl(String host, int port, String iqn, int lun) {
        this(host, port, iqn, lun, Optional.empty());
    }

    public IscsiUrl {
        chap.ifPresent(c -> {
            plain(c.user());
            plain(c.secret());
            if (c.isMutual()) {
                plain(c.mutualUser());
                plain(c.mutualSecret());
            }
        });
    }

    private static void plain(String s) {
        if (!PLAIN.matcher(s).matches()) {
            throw new IllegalArgumentException("CHAP names and secrets in URLs must match " + PLAIN + ": " + s);
        }
    }

    public IscsiUrl withChap(Chap credentials) {
        return new IscsiUrl(host, port, iqn, lun, Optional.of(credentials));
    }

    public String portal() {
        return host + ":" + port;
    }

    /** The URL for QEMU (qemu-img, qemu-io): one-way CHAP only. */
    public String qemu() {
        if (chap.isPresent() && chap.get().isMutual()) {
            throw new IllegalStateException("QEMU's iscsi driver cannot do mutual CHAP");
        }
        return base();
    }

    /** The URL for libiscsi's tools, with mutual CHAP in the query when asked for. */
    public String libiscsi() {
        return chap.filter(Chap::isMutual)
                .map(c -> base() + "?target_user=" + c.mutualUser() + "&target_password=" + c.mutualSecret())
                .orElseGet(this::base);
    }

    private String base() {
        String credentials = chap.map(c -> c.user() + "%" + c.secret() + "@").orElse("");
        return "iscsi://" + credentials + host + ":" + port + "/" + iqn + "/" + lun;
    }

    @Override
    public String toString() {
        return "iscsi://" + chap.map(c -> c.user() + "%***@").orElse("") + host + ":" + port + "/" + iqn + "/" + lun;
    }
}
