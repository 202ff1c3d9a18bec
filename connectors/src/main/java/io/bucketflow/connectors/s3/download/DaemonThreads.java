package io.bucketflow.connectors.s3.download;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread factories for the download pools: daemon threads named {@code <pool>-1}, {@code <pool>-2}... */
final class DaemonThreads {
    private DaemonThreads() {}

    /** Daemon threads named after {@code pool}, numbered from 1 in the order they are made. */
    static ThreadFactory named(String pool) {
        AtomicInteger threads = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, pool + "-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
