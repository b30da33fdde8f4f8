package workshop.sse.core.launch;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The certificate and key a server offers when {@code TLS} is set (SPEC 12.1), in the forms the stacks take: an
 * {@link SSLContext} (Undertow, Helidon, the raw server, Jetty) or a {@link KeyStore}. {@code TLS=self-signed} makes
 * one at start, for {@code localhost} and {@code 127.0.0.1}, kept in memory only; {@code TLS_CERT} and
 * {@code TLS_KEY} read PEM files instead. The ready line shows {@link #sha256Fingerprint()}, which is what a browser
 * shows in its certificate viewer: an attendee compares the two before trusting it.
 */
public final class ServerCertificate {

    /** The password of the in-memory key store: it never leaves the process, so it protects nothing. */
    public static final String KEY_STORE_PASSWORD = "workshop";

    private static final String ALIAS = "server";
    private static final Duration VALIDITY = Duration.ofDays(30);

    private final List<X509Certificate> chain;
    private final PrivateKey key;
    private final boolean selfSigned;
    private final KeyStore keyStore;
    private final SSLContext sslContext;

    private ServerCertificate(List<X509Certificate> chain, PrivateKey key, boolean selfSigned) {
        this.chain = List.copyOf(chain);
        this.key = key;
        this.selfSigned = selfSigned;
        try {
            keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setKeyEntry(ALIAS, key, KEY_STORE_PASSWORD.toCharArray(), chain.toArray(Certificate[]::new));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(keyStore, KEY_STORE_PASSWORD.toCharArray());
            sslContext = SSLContext.getInstance("TLS");
            sslContext.init(keys.getKeyManagers(), null, null);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a key store in memory", e);
        }
    }

    /**
     * From the settings {@code TLS}, {@code TLS_CERT} and {@code TLS_KEY}: null when TLS is off (the default).
     *
     * @throws Settings.BadSetting naming the setting, in one line, for a value or file that cannot be used
     */
    static ServerCertificate fromEnv(Map<String, String> env) {
        String mode = env.getOrDefault("TLS", "").trim().toLowerCase(Locale.ROOT);
        String certFile = blankToNull(env.get("TLS_CERT"));
        String keyFile = blankToNull(env.get("TLS_KEY"));
        boolean files = certFile != null || keyFile != null;
        switch (mode) {
            case "", "off" -> {
                if (!files) {
                    return null;
                }
                if (mode.equals("off")) {
                    throw new Settings.BadSetting("TLS=off cannot be given with TLS_CERT or TLS_KEY: leave TLS unset "
                            + "to serve those files");
                }
                if (certFile == null || keyFile == null) {
                    throw new Settings.BadSetting((certFile == null ? "TLS_CERT" : "TLS_KEY") + " is missing: TLS_CERT "
                            + "and TLS_KEY name the PEM files of a certificate and its private key, given together");
                }
                return fromPemFiles(Path.of(certFile), Path.of(keyFile));
            }
            case "self-signed" -> {
                if (files) {
                    throw new Settings.BadSetting("TLS=self-signed cannot be given with TLS_CERT or TLS_KEY: choose a "
                            + "certificate made at start, or your own files");
                }
                return selfSigned();
            }
            default -> throw new Settings.BadSetting("TLS must be self-signed or off (got '" + env.get("TLS")
                    + "'); to serve your own certificate, give TLS_CERT and TLS_KEY instead");
        }
    }

    /** A new key pair (EC P-256) and a certificate for {@code localhost}, {@code 127.0.0.1} and {@code ::1}. */
    public static ServerCertificate selfSigned() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            X500Name name = new X500Name("CN=localhost, O=SSE workshop (self-signed at start)");
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(VALIDITY)), name, pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.iPAddress, "::1")}));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            return new ServerCertificate(List.of(certificate), pair.getPrivate(), true);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException
                 | org.bouncycastle.cert.CertIOException e) {
            throw new IllegalStateException("cannot make a self-signed certificate", e);
        }
    }

    /**
     * Writes a new self-signed certificate and its key as PEM files, and prints the fingerprint: {@code ./serve all
     * --tls} gives the four servers one certificate, so that a browser asks to trust it once, not four times.
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: ServerCertificate CERT_FILE KEY_FILE   (writes a new self-signed pair as PEM)");
            System.exit(2);
        }
        ServerCertificate made = selfSigned();
        write(Path.of(args[0]), made.certificate());
        write(Path.of(args[1]), new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(made.privateKey(), null));
        System.out.println(made);
    }

    private static void write(Path file, Object pem) throws IOException {
        try (java.io.Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
             org.bouncycastle.openssl.jcajce.JcaPEMWriter writer = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(out)) {
            writer.writeObject(pem);
        }
    }

    /** A certificate chain (the server's first) and its private key, each a PEM file. */
    public static ServerCertificate fromPemFiles(Path certFile, Path keyFile) {
        List<X509Certificate> chain = new ArrayList<>();
        try (InputStream in = Files.newInputStream(certFile)) {
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                chain.add((X509Certificate) c);
            }
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            throw new Settings.BadSetting("TLS_CERT: cannot read a PEM certificate from " + certFile + ": " + e.getMessage());
        }
        if (chain.isEmpty()) {
            throw new Settings.BadSetting("TLS_CERT: " + certFile + " holds no PEM certificate");
        }
        PrivateKey key = readKey(keyFile);
        if (!matches(chain.getFirst(), key)) {
            throw new Settings.BadSetting("TLS_KEY: the key in " + keyFile + " is not the key of the certificate in "
                    + certFile);
        }
        return new ServerCertificate(chain, key, false);
    }

    private static PrivateKey readKey(Path keyFile) {
        try (Reader reader = Files.newBufferedReader(keyFile, StandardCharsets.US_ASCII);
             PEMParser pem = new PEMParser(reader)) {
            for (Object item = pem.readObject(); item != null; item = pem.readObject()) {
                if (item instanceof PEMKeyPair pair) { // "BEGIN RSA/EC PRIVATE KEY"
                    return new JcaPEMKeyConverter().getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (item instanceof PrivateKeyInfo info) { // "BEGIN PRIVATE KEY" (PKCS #8)
                    return new JcaPEMKeyConverter().getPrivateKey(info);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new Settings.BadSetting("TLS_KEY: cannot read a PEM private key from " + keyFile + ": " + e.getMessage());
        }
        throw new Settings.BadSetting("TLS_KEY: " + keyFile + " holds no unencrypted PEM private key");
    }

    /** True when {@code key} signs what the certificate's public key verifies. */
    private static boolean matches(X509Certificate certificate, PrivateKey key) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return certificate.getPublicKey().getAlgorithm().equals(key.getAlgorithm());
        }
        try {
            byte[] probe = "sse-workshop".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** A context whose key manager offers this certificate; each stack adds its own protocols (ALPN) on top. */
    public SSLContext sslContext() {
        return sslContext;
    }

    /** The same key and chain as a key store, under {@link #KEY_STORE_PASSWORD}. */
    public KeyStore keyStore() {
        return keyStore;
    }

    public X509Certificate certificate() {
        return chain.getFirst();
    }

    public List<X509Certificate> chain() {
        return chain;
    }

    public PrivateKey privateKey() {
        return key;
    }

    public boolean isSelfSigned() {
        return selfSigned;
    }

    /** The SHA-256 of the certificate's DER bytes, as a browser shows it: {@code AB:CD:...}. */
    public String sha256Fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate().getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return (selfSigned ? "self-signed " : "") + "certificate SHA-256 " + sha256Fingerprint();
    }
}
