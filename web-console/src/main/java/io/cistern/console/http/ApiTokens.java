package io.cistern.console.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The bearer tokens the API accepts: the one in the appliance's token file (made on first start, so
 * the CLI on the box itself just works) and any whose SHA-256 the configuration lists (so remote
 * clients' tokens never sit in a config file in clear). Only digests are kept, and a presented token
 * is hashed then compared with every digest in constant time: neither the match nor its position
 * shows in the timing. Tokens are never logged.
 */
public final class ApiTokens {
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
    private final List<byte[]> digests;

    private ApiTokens(List<byte[]> digests) {
        this.digests = List.copyOf(digests);
    }

    /**
     * Reads {@code tokenFile}, creating it (32 random bytes in hex, mode 0600) if it does not exist,
     * and adds the configured digests.
     *
     * @throws IllegalArgumentException if a configured digest is not 64 hex digits
     */
    public static ApiTokens load(Path tokenFile, List<String> sha256Hex) throws IOException {
        List<byte[]> digests = new ArrayList<>();
        digests.add(sha256(readOrCreate(tokenFile)));
        for (String hex : sha256Hex) {
            if (!SHA256_HEX.matcher(hex).matches()) {
                throw new IllegalArgumentException("cistern.api.token-sha256: not a SHA-256 in hex (64 digits): '"
                        + hex + "'");
            }
            digests.add(HexFormat.of().parseHex(hex.toLowerCase()));
        }
        return new ApiTokens(digests);
    }

    public boolean accepts(String token) {
        byte[] presented = sha256(token);
        boolean match = false;
        for (byte[] digest : digests) {
            match |= MessageDigest.isEqual(digest, presented);
        }
        return match;
    }

    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static String readOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String token = HexFormat.of().formatHex(random);
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.writeString(Files.createFile(file, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------"))), token + "\n");
                return token;
            } catch (FileAlreadyExistsException raced) {
                // another process made it first: use theirs
            }
        }
        String token = Files.readString(file).strip();
        if (token.isEmpty()) {
            throw new IllegalStateException("API token file " + file + " is empty; delete it to have a new one made");
        }
        return token;
    }
}
