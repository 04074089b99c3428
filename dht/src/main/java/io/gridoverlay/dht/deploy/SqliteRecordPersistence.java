package io.gridoverlay.dht.deploy;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.dht.protocol.KadRecord;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.dht.record.Persistence;
import io.gridoverlay.dht.record.ProviderPersistence;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DHT's {@link Persistence} (records stored for others) and, through {@link #providers()}, its
 * {@link ProviderPersistence}, over one SQLite
 * file ({@value #FILE_NAME}) in a node's data directory, so that what a node stores for others survives a
 * restart. Why SQLite and not RocksDB: see {@link DeploymentLedger}.
 *
 * <p>Writes are queued to one dedicated thread that owns the connection, so a store calling
 * {@link #save(KadRecord)} from an event loop never waits for the disk; they are applied in call order.
 * {@link #loadAll()} and {@link #flush()} wait for the queue (call them at start-up, off the event loop).
 * {@code journal_mode=WAL}, {@code synchronous=NORMAL}: a process crash loses nothing committed, a power
 * cut may lose the last writes — these are other peers' records, republished by their owners, unlike the
 * ledger. A write that fails is logged (the in-memory store keeps the record). Thread-safe.
 */
public final class SqliteRecordPersistence implements Persistence, AutoCloseable {
    /** The file's name inside a node's data directory. */
    public static final String FILE_NAME = "dht-records.sqlite";

    private static final Logger LOG = LoggerFactory.getLogger(SqliteRecordPersistence.class);

    private final Connection db;
    private final ExecutorService writer;

    private SqliteRecordPersistence(Connection db, ExecutorService writer) {
        this.db = db;
        this.writer = writer;
    }

    /** Opens (creating if needed) {@value #FILE_NAME} in {@code dataDirectory}. */
    public static SqliteRecordPersistence open(Path dataDirectory) {
        return open(dataDirectory, FILE_NAME);
    }

    /**
     * Opens (creating if needed) {@code fileName} in {@code dataDirectory}: for a second, separate set of
     * records (a keyspace's own store, such as {@link DeploymentBundleKeyspace}).
     */
    public static SqliteRecordPersistence open(Path dataDirectory, String fileName) {
        try {
            Files.createDirectories(dataDirectory);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException("cannot create data directory " + dataDirectory, e);
        }
        Path file = dataDirectory.resolve(fileName);
        ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dht-records-sqlite");
            t.setDaemon(true);
            return t;
        });
        try {
            Connection c = writer.submit(() -> {
                Connection conn = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
                try (Statement s = conn.createStatement()) {
                    s.execute("PRAGMA journal_mode=WAL");
                    s.execute("PRAGMA synchronous=NORMAL");
                    s.execute("CREATE TABLE IF NOT EXISTS records (key BLOB PRIMARY KEY, value BLOB NOT NULL, "
                            + "time_received TEXT NOT NULL)");
                    s.execute("CREATE TABLE IF NOT EXISTS providers (key BLOB NOT NULL, peer BLOB NOT NULL, "
                            + "addrs BLOB NOT NULL, expires_at_ms INTEGER NOT NULL, PRIMARY KEY (key, peer))");
                }
                return conn;
            }).get();
            return new SqliteRecordPersistence(c, writer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            writer.shutdownNow();
            throw new IllegalStateException("interrupted opening " + file, e);
        } catch (ExecutionException e) {
            writer.shutdownNow();
            throw new IllegalStateException("cannot open " + file + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    @Override
    public void save(KadRecord record) {
        byte[] key = record.key();
        byte[] value = record.value();
        String time = record.timeReceived();
        write("save record", () -> {
            try (PreparedStatement p = db.prepareStatement(
                    "INSERT OR REPLACE INTO records (key, value, time_received) VALUES (?, ?, ?)")) {
                p.setBytes(1, key);
                p.setBytes(2, value);
                p.setString(3, time);
                p.executeUpdate();
            }
        });
    }

    @Override
    public void delete(byte[] key) {
        byte[] k = key.clone();
        write("delete record", () -> {
            try (PreparedStatement p = db.prepareStatement("DELETE FROM records WHERE key = ?")) {
                p.setBytes(1, k);
                p.executeUpdate();
            }
        });
    }

    private void saveProvider(byte[] key, PeerInfo provider, long expiresAtMillis) {
        byte[] k = key.clone();
        byte[] peer = provider.peerId().toBytes();
        byte[] addrs = encodeAddrs(provider.addresses());
        write("save provider", () -> {
            try (PreparedStatement p = db.prepareStatement("INSERT OR REPLACE INTO providers "
                    + "(key, peer, addrs, expires_at_ms) VALUES (?, ?, ?, ?)")) {
                p.setBytes(1, k);
                p.setBytes(2, peer);
                p.setBytes(3, addrs);
                p.setLong(4, expiresAtMillis);
                p.executeUpdate();
            }
            try (PreparedStatement p = db.prepareStatement("DELETE FROM providers WHERE expires_at_ms < ?")) {
                p.setLong(1, System.currentTimeMillis()); // expired entries are never loaded: drop them as we go
                p.executeUpdate();
            }
        });
    }

    /** Every saved record, after the queued writes. */
    @Override
    public List<KadRecord> loadAll() {
        return read(() -> {
            List<KadRecord> out = new ArrayList<>();
            try (Statement s = db.createStatement();
                 ResultSet r = s.executeQuery("SELECT key, value, time_received FROM records")) {
                while (r.next()) {
                    out.add(new KadRecord(r.getBytes(1), r.getBytes(2), r.getString(3)));
                }
            }
            return out;
        });
    }

    private List<ProviderPersistence.Entry> loadAllProviders() {
        return read(() -> {
            List<ProviderPersistence.Entry> out = new ArrayList<>();
            try (Statement s = db.createStatement();
                 ResultSet r = s.executeQuery("SELECT key, peer, addrs, expires_at_ms FROM providers")) {
                while (r.next()) {
                    try {
                        out.add(new ProviderPersistence.Entry(r.getBytes(1), new PeerInfo(
                                PeerId.fromBytes(r.getBytes(2)), decodeAddrs(r.getBytes(3))), r.getLong(4)));
                    } catch (RuntimeException e) {
                        LOG.warn("skipping an unreadable provider row: {}", e.getMessage());
                    }
                }
            }
            return out;
        });
    }

    /**
     * The provider side, on the same file and writer thread (one class cannot implement both interfaces:
     * their {@code loadAll} methods clash). {@code loadAll} waits for the queued writes.
     */
    public ProviderPersistence providers() {
        SqliteRecordPersistence self = this;
        return new ProviderPersistence() {
            @Override
            public void save(byte[] key, PeerInfo provider, long expiresAtMillis) {
                self.saveProvider(key, provider, expiresAtMillis);
            }

            @Override
            public List<Entry> loadAll() {
                return self.loadAllProviders();
            }
        };
    }

    /** Completes when every write queued before it is committed. */
    public CompletableFuture<Void> flush() {
        return CompletableFuture.runAsync(() -> { }, writer);
    }

    /** Applies the queued writes and closes the database. */
    @Override
    public void close() {
        writer.execute(() -> {
            try {
                db.close();
            } catch (SQLException e) {
                LOG.warn("closing {} failed: {}", FILE_NAME, e.getMessage());
            }
        });
        writer.shutdown();
        try {
            if (!writer.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("{} writer did not finish within 30 s", FILE_NAME);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private interface SqlWrite {
        void run() throws SQLException;
    }

    private interface SqlRead<T> {
        T get() throws SQLException;
    }

    private void write(String what, SqlWrite w) {
        try {
            writer.execute(() -> {
                try {
                    w.run();
                } catch (SQLException e) {
                    LOG.warn("{} in {} failed: {}", what, FILE_NAME, e.getMessage());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("{} after close ignored", what);
        }
    }

    private <T> T read(SqlRead<T> r) {
        try {
            return writer.submit(r::get).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading " + FILE_NAME, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read " + FILE_NAME + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    private static byte[] encodeAddrs(List<Multiaddr> addrs) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Multiaddr a : addrs) {
            byte[] b = a.toBytes();
            io.gridoverlay.core.encoding.Varint.write(b.length, out);
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    private static List<Multiaddr> decodeAddrs(byte[] bytes) {
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
        List<Multiaddr> out = new ArrayList<>();
        while (in.hasRemaining()) {
            int n = io.gridoverlay.core.encoding.Varint.readLength(in, in.remaining());
            byte[] b = new byte[n];
            in.get(b);
            out.add(Multiaddr.fromBytes(b));
        }
        return out;
    }
}
