package flowlogs.opensearch;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.codelibs.opensearch.runner.OpenSearchRunner;
import org.opensearch.Version;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.transport.TransportAddress;
import org.opensearch.http.HttpServerTransport;

/**
 * Starts one single-node OpenSearch cluster inside this JVM for tests and the local demo.
 *
 * <p>Usage: {@code EmbeddedOpenSearch [--port N] [--data DIR] [--exit-on-stdin-close] [--delete-data-on-exit]}.
 * {@code --port} falls back to {@code OPENSEARCH_PORT}, then 0 (the kernel picks a free port);
 * {@code --data} falls back to {@code OPENSEARCH_DATA_DIR}, then a fresh temp dir.
 *
 * <p>Contract with {@code scripts/opensearch.mjs}: once the cluster is yellow or green, exactly one
 * line {@code OPENSEARCH_READY http://127.0.0.1:PORT} is written to stdout; on a start failure a
 * line {@code OPENSEARCH_FAILED reason} is written and the exit code is 1. Everything else (the
 * engine's own log) goes to stderr so stdout stays machine-readable.
 */
public final class EmbeddedOpenSearch {

    private static final String HOST = "127.0.0.1";

    private EmbeddedOpenSearch() {}

    public static void main(final String[] args) throws Exception {
        // Keep the real stdout for the protocol lines; the runner prints chatty progress to System.out.
        final PrintStream protocol = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        System.setOut(System.err);

        final Options options;
        try {
            options = Options.parse(args);
        } catch (final IllegalArgumentException e) {
            protocol.println("OPENSEARCH_FAILED " + e.getMessage());
            System.exit(2);
            return;
        }

        final Path base = options.dataDir != null
                ? Files.createDirectories(options.dataDir)
                : Files.createTempDirectory("embedded-opensearch-");
        writeConfig(base.resolve("node_1").resolve("config"));

        final OpenSearchRunner runner = new OpenSearchRunner();
        // The runner probes 9201..9299 by connecting to each; we choose the port ourselves.
        runner.setMaxHttpPort(-1);
        runner.onBuild((number, settings) -> {
            configure(settings, options.port);
            // Caller-given node settings last, so a test can shrink thread pools or queues.
            options.settings.forEach(settings::put);
        });

        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                runner.close();
            } catch (final IOException | RuntimeException e) {
                System.err.println("embedded-opensearch: close failed: " + e);
            }
            if (options.deleteDataOnExit) {
                deleteTree(base);
            }
            stopped.countDown();
        }, "embedded-opensearch-shutdown"));

        if (options.exitOnStdinClose) {
            // The parent holds our stdin pipe: EOF means it died or is done, so we must not outlive it.
            final Thread watcher = new Thread(EmbeddedOpenSearch::exitOnStdinEof, "embedded-opensearch-stdin");
            watcher.setDaemon(true);
            watcher.start();
        }

        final int port;
        try {
            runner.build(OpenSearchRunner.newConfigs()
                    .numOfNode(1)
                    .basePath(base.toAbsolutePath().toString())
                    .clusterName("flowlogs-embedded"));
            runner.ensureYellow();
            final HttpServerTransport http = runner.node().injector().getInstance(HttpServerTransport.class);
            final TransportAddress bound = http.boundAddress().publishAddress();
            port = bound.getPort();
        } catch (final Throwable e) {
            e.printStackTrace();
            protocol.println("OPENSEARCH_FAILED " + oneLine(e));
            System.exit(1);
            return;
        }

        System.err.println("embedded-opensearch: OpenSearch " + Version.CURRENT + " on " + HOST + ":" + port + ", data in " + base);
        protocol.println("OPENSEARCH_READY http://" + HOST + ":" + port);
        stopped.await();
    }

    /** Node settings for a throwaway, loopback-only, single-node cluster. */
    private static void configure(final Settings.Builder settings, final int port) {
        settings.put("discovery.type", "single-node");
        settings.put("network.host", HOST);
        settings.put("http.port", Integer.toString(port));
        // Ephemeral transport port: two test runs on one machine must not collide on 9300.
        settings.put("transport.port", "0");
        settings.putList("node.roles", "cluster_manager", "data", "ingest");
        // A nearly full disk must not flip test indices to read-only or leave shards unassigned.
        settings.put("cluster.routing.allocation.disk.threshold_enabled", false);
        // With a small heap the real-memory breaker trips on garbage not yet collected, not on real pressure.
        settings.put("indices.breaker.total.use_real_memory", false);
        // Bulk-loaded test data is refreshed explicitly; no background churn on a 2-core box.
        settings.put("cluster.info.update.interval", "1m");
    }

    /**
     * Writes our own config files first: the runner only copies its defaults when absent, and its
     * log4j config also writes rolling files. Ours sends INFO to stderr only.
     */
    private static void writeConfig(final Path confDir) throws IOException {
        Files.createDirectories(confDir);
        final Path yml = confDir.resolve("opensearch.yml");
        if (!Files.exists(yml)) {
            Files.writeString(yml, "# Settings are passed programmatically by EmbeddedOpenSearch.\n");
        }
        final Path log4j = confDir.resolve("log4j2.properties");
        if (!Files.exists(log4j)) {
            Files.writeString(log4j, String.join("\n",
                    "status = error",
                    "appender.console.type = Console",
                    "appender.console.name = console",
                    "appender.console.target = SYSTEM_ERR",
                    "appender.console.layout.type = PatternLayout",
                    "appender.console.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] %m%n",
                    "rootLogger.level = info",
                    "rootLogger.appenderRef.console.ref = console",
                    // Deprecation warnings (e.g. from the runner's own defaults) are noise here.
                    "logger.deprecation.name = org.opensearch.deprecation",
                    "logger.deprecation.level = error",
                    ""));
        }
    }

    private static void exitOnStdinEof() {
        final InputStream in = System.in;
        final byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // Input is ignored; only the close matters.
            }
        } catch (final IOException e) {
            // A broken pipe means the same as EOF.
        }
        System.err.println("embedded-opensearch: stdin closed, shutting down");
        System.exit(0);
    }

    private static void deleteTree(final Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (final IOException e) {
            System.err.println("embedded-opensearch: could not delete " + root + ": " + e);
        }
    }

    private static String oneLine(final Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        final String text = e + (root != e ? " (caused by " + root + ")" : "");
        return text.replace('\n', ' ');
    }

    /** Parsed command line; flags win over environment variables. */
    private record Options(int port, Path dataDir, boolean exitOnStdinClose, boolean deleteDataOnExit,
            java.util.Map<String, String> settings) {

        static Options parse(final String[] args) {
            String port = System.getenv("OPENSEARCH_PORT");
            String data = System.getenv("OPENSEARCH_DATA_DIR");
            boolean exitOnStdinClose = false;
            boolean deleteDataOnExit = false;
            final java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--port" -> port = value(args, ++i, "--port");
                    case "--data" -> data = value(args, ++i, "--data");
                    case "--exit-on-stdin-close" -> exitOnStdinClose = true;
                    case "--delete-data-on-exit" -> deleteDataOnExit = true;
                    case "-E" -> {
                        final String kv = value(args, ++i, "-E");
                        final int eq = kv.indexOf('=');
                        if (eq <= 0) {
                            throw new IllegalArgumentException("-E needs key=value, got: " + kv);
                        }
                        settings.put(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                    default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
                }
            }
            final int portNumber;
            try {
                portNumber = port == null || port.isBlank() ? 0 : Integer.parseInt(port.trim());
            } catch (final NumberFormatException e) {
                throw new IllegalArgumentException("port is not a number: " + port);
            }
            if (portNumber < 0 || portNumber > 65535) {
                throw new IllegalArgumentException("port out of range: " + portNumber);
            }
            return new Options(portNumber, data == null || data.isBlank() ? null : Path.of(data),
                    exitOnStdinClose, deleteDataOnExit, settings);
        }

        private static String value(final String[] args, final int i, final String flag) {
            if (i >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[i];
        }
    }
}
