import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A plain TCP proxy on 127.0.0.1 that shapes the link between the download benchmark's clients and
 * its servers like a network: every chunk of bytes read from one side is written to the other no
 * sooner than DELAY_MS after it was read (so a request and its answer gain 2 x DELAY_MS), and each
 * connection is capped at RATE bytes per second in each direction (a token bucket per connection and
 * direction). Started by {@code bench/run-download-bench.sh --link shaped} as a single-file source
 * program:
 *
 * <pre>
 * java bench/servers/ShapedLinkProxy.java [--delay-ms 10] [--rate-mb-s 50] [--port-file FILE]
 *     127.0.0.1:PORT [127.0.0.1:PORT ...]
 * </pre>
 *
 * <p>For each target it listens on a free loopback port and prints {@code PORT <listen> <target>};
 * with --port-file it also writes the listening ports, one a line in the order of the targets,
 * through a temporary file and a rename once all of them accept connections. Targets must be
 * loopback addresses: nothing leaves the machine.
 *
 * <p>One thread and one selector carry every connection (Java NIO), so the proxy's own CPU stays
 * small next to the clients' and servers'; the script reports it. A direction holds at most
 * QUEUE_LIMIT bytes (2 MiB plus the bytes the link carries in DELAY_MS): beyond that the proxy
 * stops reading from the sender, whom TCP then slows down, as a full link would. A half-close
 * travels like data (after the delay); a reset or failed connection closes both sides at once.
 * Rate 0 means no cap, delay 0 no delay.
 */
public final class ShapedLinkProxy {
    private static final int READ_SIZE = 64 << 10;
    /** Bytes a direction may send at once after it was idle: about 1.3 ms at 50 MB/s. */
    private static final long BUCKET_BYTES = 64 << 10;

    private static long delayNanos;
    /** Bytes per nanosecond; 0 for no cap. */
    private static double bytesPerNano;
    private static long queueLimit;
    private static Selector selector;
    private static final ByteBuffer READ_BUFFER = ByteBuffer.allocateDirect(READ_SIZE);
    private static final Set<Connection> CONNECTIONS = new LinkedHashSet<>();
    private static final AtomicLong ACCEPTED = new AtomicLong();
    private static final AtomicLong BYTES_UP = new AtomicLong();
    private static final AtomicLong BYTES_DOWN = new AtomicLong();

    private ShapedLinkProxy() {}

    public static void main(String[] args) throws Exception {
        double delayMs = 10;
        double rateMbS = 50;
        Path portFile = null;
        List<InetSocketAddress> targets = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--delay-ms" -> delayMs = Double.parseDouble(value(args, ++i));
                case "--rate-mb-s" -> rateMbS = Double.parseDouble(value(args, ++i));
                case "--port-file" -> portFile = Path.of(value(args, ++i));
                default -> targets.add(target(args[i]));
            }
        }
        if (targets.isEmpty() || delayMs < 0 || rateMbS < 0) {
            usage("at least one target, a delay and a rate of 0 or more");
        }
        delayNanos = Math.round(delayMs * 1e6);
        bytesPerNano = rateMbS * 1e6 / 1e9;
        queueLimit = (2L << 20) + Math.round(bytesPerNano * delayNanos);

        selector = Selector.open();
        StringBuilder ports = new StringBuilder();
        for (InetSocketAddress target : targets) {
            ServerSocketChannel listener = ServerSocketChannel.open();
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
            listener.configureBlocking(false);
            listener.register(selector, SelectionKey.OP_ACCEPT, target);
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            ports.append(port).append('\n');
            System.out.println("PORT " + port + " " + target.getHostString() + ":" + target.getPort());
        }
        System.out.flush();
        if (portFile != null) {
            Path partial = portFile.resolveSibling(portFile.getFileName() + ".tmp");
            Files.writeString(partial, ports, StandardCharsets.US_ASCII);
            Files.move(partial, portFile, StandardCopyOption.ATOMIC_MOVE);
        }
        System.err.printf(
                "shaped link: %.1f ms each way, %s per connection and direction%n",
                delayMs, rateMbS > 0 ? rateMbS + " MB/s" : "no rate cap");
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () ->
                                        System.err.printf(
                                                "shaped link: %d connections, %d bytes to the servers, %d bytes back%n",
                                                ACCEPTED.get(), BYTES_UP.get(), BYTES_DOWN.get()),
                                "report"));
        run();
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            usage(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static InetSocketAddress target(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            usage("a target is HOST:PORT, was '" + text + "'");
        }
        InetSocketAddress address =
                new InetSocketAddress(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
        if (address.isUnresolved() || !address.getAddress().isLoopbackAddress()) {
            usage("targets must be loopback addresses, was '" + text + "'");
        }
        return address;
    }

    private static void usage(String problem) {
        System.err.println("ShapedLinkProxy: " + problem);
        System.err.println(
                "usage: java ShapedLinkProxy.java [--delay-ms MS] [--rate-mb-s MB] [--port-file FILE] 127.0.0.1:PORT ...");
        System.exit(2);
    }

    private static void run() throws IOException {
        while (true) {
            long now = System.nanoTime();
            long next = Long.MAX_VALUE;
            for (Connection connection : CONNECTIONS) {
                next = Math.min(next, Math.min(connection.up.nextWrite(now), connection.down.nextWrite(now)));
            }
            if (next == Long.MAX_VALUE) {
                selector.select();
            } else if (next <= now) {
                selector.selectNow();
            } else {
                selector.select(Math.max(1, (next - now + 999_999) / 1_000_000));
            }
            for (SelectionKey key : selector.selectedKeys()) {
                handle(key);
            }
            selector.selectedKeys().clear();
            now = System.nanoTime();
            for (Connection connection : new ArrayList<>(CONNECTIONS)) {
                connection.pump(now);
            }
        }
    }

    private static void handle(SelectionKey key) {
        if (!key.isValid()) {
            return;
        }
        if (key.isAcceptable()) {
            accept((ServerSocketChannel) key.channel(), (InetSocketAddress) key.attachment());
            return;
        }
        Side side = (Side) key.attachment();
        Connection connection = side.connection;
        try {
            if (key.isConnectable()) {
                connection.serverConnected = side.channel.finishConnect();
            }
            if (key.isValid() && key.isWritable()) {
                side.inbound.blocked = false;
            }
            if (key.isValid() && key.isReadable()) {
                side.outbound.read(System.nanoTime());
            }
            connection.updateInterest();
        } catch (IOException e) {
            connection.close();
        }
    }

    private static void accept(ServerSocketChannel listener, InetSocketAddress target) {
        while (true) {
            SocketChannel client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            if (client == null) {
                return;
            }
            ACCEPTED.incrementAndGet();
            SocketChannel server = null;
            try {
                server = SocketChannel.open();
                server.configureBlocking(false);
                server.setOption(StandardSocketOptions.TCP_NODELAY, true);
                client.configureBlocking(false);
                client.setOption(StandardSocketOptions.TCP_NODELAY, true);
                Connection connection = new Connection(client, server);
                connection.serverConnected = server.connect(target);
                CONNECTIONS.add(connection);
                connection.updateInterest();
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(server);
            }
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** A chunk read from one side and when it may be written to the other; no bytes for end of stream. */
    private record Chunk(ByteBuffer bytes, long dueNanos) {}

    /** One end of a connection: its channel, the direction it sends into and the one it receives. */
    private static final class Side {
        final Connection connection;
        final SocketChannel channel;
        Pipe outbound;
        Pipe inbound;
        SelectionKey key;

        Side(Connection connection, SocketChannel channel) {
            this.connection = connection;
            this.channel = channel;
        }
    }

    /** One direction of a connection: what was read from one side and waits for the other. */
    private static final class Pipe {
        final Side from;
        final Side to;
        final AtomicLong counter;
        final ArrayDeque<Chunk> queue = new ArrayDeque<>();
        long queuedBytes;
        boolean endRead;
        boolean endSent;
        /** The last write did not take the whole chunk: wait until the receiver's socket has room. */
        boolean blocked;
        double tokens = BUCKET_BYTES;
        long refilledAt = System.nanoTime();

        Pipe(Side from, Side to, AtomicLong counter) {
            this.from = from;
            this.to = to;
            this.counter = counter;
        }

        boolean wantsRead() {
            return !endRead && queuedBytes < queueLimit;
        }

        void read(long now) throws IOException {
            READ_BUFFER.clear();
            int n = from.channel.read(READ_BUFFER);
            if (n < 0) {
                endRead = true;
                queue.add(new Chunk(null, now + delayNanos));
            } else if (n > 0) {
                READ_BUFFER.flip();
                ByteBuffer copy = ByteBuffer.allocate(n);
                copy.put(READ_BUFFER).flip();
                queue.add(new Chunk(copy, now + delayNanos));
                queuedBytes += n;
            }
        }

        private void refill(long now) {
            if (bytesPerNano > 0) {
                tokens = Math.min(BUCKET_BYTES, tokens + (now - refilledAt) * bytesPerNano);
            }
            refilledAt = now;
        }

        /** When the next write may happen; Long.MAX_VALUE when it waits for a socket instead. */
        long nextWrite(long now) {
            Chunk head = queue.peek();
            if (head == null || blocked || !to.connection.serverConnected) {
                return Long.MAX_VALUE;
            }
            refill(now);
            long due = head.dueNanos;
            if (head.bytes != null && bytesPerNano > 0 && tokens <= 0) {
                due = Math.max(due, now + (long) Math.ceil(-tokens / bytesPerNano) + 1);
            }
            return due;
        }

        /** Writes what is due and paid for; a chunk may take the bucket below zero, later ones then wait. */
        void pump(long now) throws IOException {
            while (!blocked && to.connection.serverConnected) {
                Chunk head = queue.peek();
                if (head == null || head.dueNanos > now) {
                    return;
                }
                if (head.bytes == null) {
                    queue.poll();
                    endSent = true;
                    to.channel.shutdownOutput();
                    return;
                }
                refill(now);
                if (bytesPerNano > 0 && tokens <= 0) {
                    return;
                }
                int n = to.channel.write(head.bytes);
                if (bytesPerNano > 0) {
                    tokens -= n;
                }
                queuedBytes -= n;
                counter.addAndGet(n);
                if (head.bytes.hasRemaining()) {
                    blocked = true;
                    return;
                }
                queue.poll();
            }
        }
    }

    private static final class Connection {
        final Side client;
        final Side server;
        final Pipe up;
        final Pipe down;
        boolean serverConnected;
        boolean closed;

        Connection(SocketChannel clientChannel, SocketChannel serverChannel) throws IOException {
            client = new Side(this, clientChannel);
            server = new Side(this, serverChannel);
            up = new Pipe(client, server, BYTES_UP);
            down = new Pipe(server, client, BYTES_DOWN);
            client.outbound = up;
            client.inbound = down;
            server.outbound = down;
            server.inbound = up;
            client.key = clientChannel.register(selector, 0, client);
            server.key = serverChannel.register(selector, 0, server);
        }

        void pump(long now) {
            if (closed) {
                return;
            }
            try {
                up.pump(now);
                down.pump(now);
                if (up.endSent && down.endSent) {
                    close();
                    return;
                }
                updateInterest();
            } catch (IOException e) {
                close();
            }
        }

        void updateInterest() {
            if (closed) {
                return;
            }
            int clientOps = (client.outbound.wantsRead() ? SelectionKey.OP_READ : 0)
                    | (client.inbound.blocked ? SelectionKey.OP_WRITE : 0);
            int serverOps = serverConnected
                    ? (server.outbound.wantsRead() ? SelectionKey.OP_READ : 0)
                            | (server.inbound.blocked ? SelectionKey.OP_WRITE : 0)
                    : SelectionKey.OP_CONNECT;
            if (client.key.interestOps() != clientOps) {
                client.key.interestOps(clientOps);
            }
            if (server.key.interestOps() != serverOps) {
                server.key.interestOps(serverOps);
            }
        }

        void close() {
            if (closed) {
                return;
            }
            closed = true;
            CONNECTIONS.remove(this);
            closeQuietly(client.channel);
            closeQuietly(server.channel);
        }
    }
}
