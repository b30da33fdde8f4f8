package workshop.sse.core.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServerCertificateTest {

    @TempDir
    Path dir;

    @Test
    void tlsIsOffUnlessItIsSet() {
        assertNull(Settings.defaults().tls());
        assertNull(Settings.fromEnv(Map.of("TLS", "off")).tls());
        assertTrue(Settings.defaults().urlFor(8080).startsWith("http://"));
    }

    @Test
    void selfSignedNamesLocalhostAndLoopbackAndTheUrlIsHttps() throws Exception {
        Settings settings = Settings.fromEnv(Map.of("TLS", "self-signed"));
        ServerCertificate tls = settings.tls();
        assertTrue(tls.isSelfSigned());
        assertEquals("https://127.0.0.1:8443/", settings.urlFor(8443));
        List<String> names = tls.certificate().getSubjectAlternativeNames().stream()
                .map(name -> name.get(1).toString()).toList();
        assertTrue(names.containsAll(List.of("localhost", "127.0.0.1")), names.toString());
        assertTrue(tls.certificate().getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.1"), "for servers");
        tls.certificate().checkValidity();
        assertNotEquals(tls.sha256Fingerprint(), ServerCertificate.selfSigned().sha256Fingerprint(), "new at every start");
    }

    @Test
    void theFingerprintIsTheSha256OfTheCertificateAsABrowserShowsIt() throws Exception {
        ServerCertificate tls = ServerCertificate.selfSigned();
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(tls.certificate().getEncoded());
        assertEquals(HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest), tls.sha256Fingerprint());
        assertTrue(tls.sha256Fingerprint().matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), tls.sha256Fingerprint());
        assertTrue(tls.toString().contains(tls.sha256Fingerprint()), tls.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "127.0.0.1"})
    void aClientThatTrustsTheCertificateCompletesAHandshakeWithHostnameChecks(String host) throws Exception {
        ServerCertificate tls = ServerCertificate.selfSigned();
        assertEquals("hello", handshake(tls, trusting(tls.certificate()), host));
    }

    @Test
    void pemFilesAreServedAsGivenInPkcs8AndInTheirOwnFormat() throws Exception {
        ServerCertificate made = ServerCertificate.selfSigned();
        Path cert = write("cert.pem", made.certificate());
        Path pkcs8 = pem("key8.pem", "PRIVATE KEY", made.privateKey().getEncoded());
        // OpenSSL's own form of an EC key (SEC 1), which names its curve inside
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(made.privateKey().getEncoded());
        Path sec1 = pem("key.pem", "EC PRIVATE KEY", new ECPrivateKey(256,
                ((java.security.interfaces.ECPrivateKey) made.privateKey()).getS(),
                info.getPrivateKeyAlgorithm().getParameters()).getEncoded());
        for (Path keyFile : List.of(pkcs8, sec1)) {
            ServerCertificate read = Settings.fromEnv(Map.of("TLS_CERT", cert.toString(), "TLS_KEY", keyFile.toString()))
                    .tls();
            assertFalse(read.isSelfSigned());
            assertEquals(made.sha256Fingerprint(), read.sha256Fingerprint());
            assertEquals("hello", handshake(read, trusting(made.certificate()), "localhost"));
        }
    }

    @Test
    void mainWritesAPairThatTheServersRead() throws Exception {
        Path cert = dir.resolve("c.pem");
        Path key = dir.resolve("k.pem");
        ServerCertificate.main(new String[] {cert.toString(), key.toString()});
        ServerCertificate read = Settings.fromEnv(Map.of("TLS_CERT", cert.toString(), "TLS_KEY", key.toString())).tls();
        assertEquals("hello", handshake(read, trusting(read.certificate()), "localhost"));
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsABadSetting() throws Exception {
        Path cert = write("cert.pem", ServerCertificate.selfSigned().certificate());
        Path otherKey = write("other.pem", ServerCertificate.selfSigned().privateKey());
        assertOneLine("TLS_KEY", () -> Settings.fromEnv(Map.of("TLS_CERT", cert.toString(), "TLS_KEY", otherKey.toString())));
    }

    @Test
    void unreadableOrWrongFilesAreBadSettingsNamingTheSetting() throws Exception {
        ServerCertificate made = ServerCertificate.selfSigned();
        Path cert = write("cert.pem", made.certificate());
        Path key = write("key.pem", made.privateKey());
        Path missing = dir.resolve("missing.pem");
        assertOneLine("TLS_CERT", () -> Settings.fromEnv(Map.of("TLS_CERT", missing.toString(), "TLS_KEY", key.toString())));
        assertOneLine("TLS_KEY", () -> Settings.fromEnv(Map.of("TLS_CERT", cert.toString(), "TLS_KEY", missing.toString())));
        assertOneLine("TLS_CERT", () -> Settings.fromEnv(Map.of("TLS_CERT", key.toString(), "TLS_KEY", key.toString())));
        assertOneLine("TLS_KEY", () -> Settings.fromEnv(Map.of("TLS_CERT", cert.toString(), "TLS_KEY", cert.toString())));
    }

    @Test
    void conflictingOrUnknownTlsSettingsAreBadSettings() throws Exception {
        Path cert = write("cert.pem", ServerCertificate.selfSigned().certificate());
        assertOneLine("TLS", () -> Settings.fromEnv(Map.of("TLS", "yes")));
        assertOneLine("TLS_KEY", () -> Settings.fromEnv(Map.of("TLS_CERT", cert.toString())));
        assertOneLine("TLS_CERT", () -> Settings.fromEnv(Map.of("TLS_KEY", cert.toString())));
        assertOneLine("TLS=self-signed", () -> Settings.fromEnv(Map.of("TLS", "self-signed", "TLS_CERT", cert.toString())));
        assertOneLine("TLS=off", () -> Settings.fromEnv(Map.of("TLS", "off", "TLS_CERT", cert.toString(),
                "TLS_KEY", cert.toString())));
    }

    private static void assertOneLine(String naming, org.junit.jupiter.api.function.Executable parse) {
        Settings.BadSetting e = assertThrows(Settings.BadSetting.class, parse);
        assertTrue(e.getMessage().contains(naming), () -> "should name " + naming + ": " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    private Path pem(String name, String label, byte[] der) throws IOException {
        return Files.writeString(dir.resolve(name), "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + label + "-----\n");
    }

    private Path write(String name, Object pemObject) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            pem.writeObject(pemObject);
        }
        return Files.writeString(dir.resolve(name), text.toString());
    }

    private static SSLContext trusting(X509Certificate certificate) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("server", certificate);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, trust.getTrustManagers(), null);
        return client;
    }

    /** One TLS connection on loopback, the client checking the host name as HTTPS does; returns what came through. */
    private static String handshake(ServerCertificate tls, SSLContext client, String host) throws Exception {
        try (SSLServerSocket server = (SSLServerSocket) tls.sslContext().getServerSocketFactory().createServerSocket(0)) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (SSLSocket accepted = (SSLSocket) server.accept(); OutputStream out = accepted.getOutputStream()) {
                    out.write("hello".getBytes());
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket(host, server.getLocalPort())) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the name asked must be in the certificate
                socket.setSSLParameters(parameters);
                InputStream in = socket.getInputStream();
                String got = new String(in.readAllBytes());
                served.join();
                return got;
            }
        }
    }
}
