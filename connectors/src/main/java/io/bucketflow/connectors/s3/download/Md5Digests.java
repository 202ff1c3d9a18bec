package io.bucketflow.connectors.s3.download;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import org.conscrypt.Conscrypt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MD5 digests bodies are checked with: BoringSSL's, through Conscrypt, where its native library
 * loads (Linux, macOS and Windows on x86-64), else the JDK's.
 *
 * <p>Why not simply the JDK's: its MD5 runs at full speed only once C2 has compiled it with its
 * intrinsic, and {@code bin/bucketflow} runs the JVM with C1 alone ({@code
 * -XX:TieredStopAtLevel=1}), which starts jobs much cheaper but hashes at about 340 MB/s against
 * BoringSSL's 590 MB/s (measured on the benchmark machine); checking the MD5 of large objects took
 * about a third of a download's CPU. Conscrypt is used for nothing else: it is not installed as a
 * security provider, so TLS and everything else keep the JDK's providers.
 */
final class Md5Digests {
    private static final Logger LOG = LoggerFactory.getLogger(Md5Digests.class);

    private Md5Digests() {}

    /** Whether digests are BoringSSL's; false where Conscrypt's native library does not load. */
    static boolean usesNativeMd5() {
        return NativeProvider.INSTANCE != null;
    }

    /** A new MD5 digest; any thread. */
    static MessageDigest newDigest() {
        Provider provider = NativeProvider.INSTANCE;
        try {
            return provider == null ? MessageDigest.getInstance("MD5") : MessageDigest.getInstance("MD5", provider);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no MD5", e);
        }
    }

    /** Loads the native provider on first use, once per class loader; null where it does not load. */
    private static final class NativeProvider {
        static final Provider INSTANCE = load();

        private static Provider load() {
            try {
                Conscrypt.checkAvailability();
                Provider provider = Conscrypt.newProvider();
                MessageDigest.getInstance("MD5", provider);
                return provider;
            } catch (NoSuchAlgorithmException | RuntimeException | LinkageError unavailable) {
                LOG.info("Conscrypt's native MD5 is not available here ({}); MD5 checks use the JDK's digest",
                        unavailable.toString());
                return null;
            }
        }
    }
}
