package org.m2mbridge.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Command line of the benchmark peers run by {@code bench/run.sh} ({@link EchoServer}, {@link UpstreamStub}):
 * {@code [--host H] [--port P] [--io-threads N] [--port-file F]}; the bound port goes to the port file so the
 * script can wait for it.
 */
record PeerArgs(String host, int port, int ioThreads, Path portFile) {

    static PeerArgs parse(String[] args, int defaultIoThreads) {
        String host = "127.0.0.1";
        int port = 0;
        int io = defaultIoThreads;
        Path portFile = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--host" -> host = args[i + 1];
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--io-threads" -> io = Integer.parseInt(args[i + 1]);
                case "--port-file" -> portFile = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        return new PeerArgs(host, port, io, portFile);
    }

    /** Announces the bound port on stdout and in the port file. */
    void announce(String scheme, int boundPort) throws java.io.IOException {
        System.out.println("listening " + scheme + "=" + scheme + "://" + host + ":" + boundPort + "/");
        if (portFile != null) {
            Files.writeString(portFile, boundPort + "\n");
        }
    }
}
