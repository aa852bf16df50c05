package org.m2mbridge.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Command line of the benchmark peers run by {@code bench/run.sh} ({@link EchoServer}, {@link UpstreamStub}):
 * {@code [--host H] [--port P] [--io-threads N] [--port-file F] [--connection-close]}; the bound port goes to the
 * port file so the script can wait for it.
 *
 * @param connectionClose the HTTP stub answers every request with {@code Connection: close} and closes the
 *                        connection, as a Werkzeug-based CSE (ACME) does
 */
record PeerArgs(String host, int port, int ioThreads, Path portFile, boolean connectionClose) {

    static PeerArgs parse(String[] args, int defaultIoThreads) {
        String host = "127.0.0.1";
        int port = 0;
        int io = defaultIoThreads;
        Path portFile = null;
        boolean close = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--connection-close")) {
                close = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--host" -> host = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--io-threads" -> io = Integer.parseInt(args[++i]);
                case "--port-file" -> portFile = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        return new PeerArgs(host, port, io, portFile, close);
    }

    /** Announces the bound port on stdout and in the port file. */
    void announce(String scheme, int boundPort) throws java.io.IOException {
        System.out.println("listening " + scheme + "=" + scheme + "://" + host + ":" + boundPort + "/");
        if (portFile != null) {
            Files.writeString(portFile, boundPort + "\n");
        }
    }
}
