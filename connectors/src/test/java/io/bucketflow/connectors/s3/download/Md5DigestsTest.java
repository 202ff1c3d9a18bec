package io.bucketflow.connectors.s3.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The digests bodies are checked with agree with the JDK's MD5, and are native where they can be. */
class Md5DigestsTest {

    @Test
    void agreesWithTheJdksMd5OverArraysHeapBuffersAndDirectBuffers() throws Exception {
        byte[] body = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(body);
        ByteBuffer direct = ByteBuffer.allocateDirect(body.length).put(body).flip();

        MessageDigest digest = Md5Digests.newDigest();
        digest.update(body, 0, 1000);
        digest.update(ByteBuffer.wrap(body, 1000, 1024 * 1024));
        digest.update(direct.position(1000 + 1024 * 1024));

        assertThat(digest.digest()).isEqualTo(MessageDigest.getInstance("MD5").digest(body));
        assertThat(Md5Digests.newDigest().digest()).isEqualTo(MessageDigest.getInstance("MD5").digest());
    }

    @Test
    void isBoringSslsOnLinuxOnX8664() {
        assumeTrue(System.getProperty("os.name").startsWith("Linux") && System.getProperty("os.arch").equals("amd64"),
                "Conscrypt ships its native library for x86-64");

        assertThat(Md5Digests.usesNativeMd5()).isTrue();
        assertThat(Md5Digests.newDigest().getProvider().getName()).isEqualTo("Conscrypt");
    }
}
