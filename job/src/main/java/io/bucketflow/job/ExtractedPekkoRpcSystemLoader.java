package io.bucketflow.job;

import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.ServiceLoader;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.classloading.SubmoduleClassLoader;
import org.apache.flink.runtime.rpc.CleanupOnCloseRpcSystem;
import org.apache.flink.runtime.rpc.RpcSystem;
import org.apache.flink.runtime.rpc.RpcSystemLoader;
import org.apache.flink.runtime.rpc.exceptions.RpcLoaderException;

/**
 * Loads Flink's Pekko RPC system from a {@code flink-rpc-akka.jar} that is already on disk, the
 * one {@code bin/bucketflow} names in the system property {@value #JAR_PROPERTY}; without that
 * property, or where the file is missing, it declines and Flink's own loader takes over.
 *
 * <p>Why: Flink's {@code PekkoRpcSystemLoader} copies the 21 MB jar out of {@code
 * flink-rpc-akka-loader} into the temporary directory at every start of a local cluster, and
 * deletes it at its end; the build unpacks it once instead. It is loaded the same way, in its own
 * {@link SubmoduleClassLoader} below Flink's, and that class loader is closed with the RPC system.
 * Runs on the thread that starts the local cluster.
 */
public final class ExtractedPekkoRpcSystemLoader implements RpcSystemLoader {
    /** The system property naming the unpacked {@code flink-rpc-akka.jar}. */
    static final String JAR_PROPERTY = "bucketflow.flink-rpc-jar";

    /** Ahead of Flink's loader, whose priority is 0. */
    @Override
    public int getLoadPriority() {
        return -1;
    }

    @Override
    public RpcSystem loadRpcSystem(Configuration config) {
        String jar = System.getProperty(JAR_PROPERTY);
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new RpcLoaderException("No unpacked flink-rpc-akka.jar named by -D" + JAR_PROPERTY);
        }
        SubmoduleClassLoader classLoader;
        try {
            classLoader = new SubmoduleClassLoader(
                    new URL[] {Path.of(jar).toUri().toURL()}, RpcSystem.class.getClassLoader());
        } catch (MalformedURLException e) {
            throw new RpcLoaderException("Cannot load the RPC system from " + jar, e);
        }
        Iterator<RpcSystem> systems = ServiceLoader.load(RpcSystem.class, classLoader).iterator();
        if (!systems.hasNext()) {
            throw new RpcLoaderException(jar + " holds no RPC system");
        }
        return new CleanupOnCloseRpcSystem(systems.next(), classLoader, null);
    }
}
