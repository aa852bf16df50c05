package org.m2mbridge.systemtests;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A log file another process writes (a real peer's log, the bridge's access log), read incrementally: each
 * {@link #lines} call reads only what was appended since the last one, so polling a log that grows to megabytes
 * stays cheap. The last {@code keep} lines are kept for searching and failure messages. The file may not exist yet
 * ({@code file} is asked again until it does).
 */
final class PeerLog {
    private final Supplier<Path> file;
    private final int keep;
    private final Deque<String> lines = new ArrayDeque<>();
    private final StringBuilder partial = new StringBuilder();
    private long position;

    PeerLog(Supplier<Path> file, int keep) {
        this.file = file;
        this.keep = keep;
    }

    /** The first regular file in {@code dir} whose name ends with {@code suffix}, or null (not written yet). */
    static Supplier<Path> firstIn(Path dir, String suffix) {
        return () -> {
            if (!Files.isDirectory(dir)) {
                return null;
            }
            try (var files = Files.list(dir)) {
                return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().findFirst()
                        .orElse(null);
            } catch (IOException e) {
                return null;
            }
        };
    }

    /** The kept lines (after reading what was appended) that {@code filter} accepts, oldest first. */
    synchronized List<String> lines(Predicate<String> filter) {
        readAppended();
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            if (filter.test(line)) {
                out.add(line);
            }
        }
        return out;
    }

    boolean contains(String text) {
        return !lines(l -> l.contains(text)).isEmpty();
    }

    /** The last {@code max} kept lines containing any of {@code needles}, one per line (for failure messages). */
    String excerpt(int max, String... needles) {
        List<String> hits = lines(l -> needles.length == 0 || List.of(needles).stream().anyMatch(l::contains));
        return String.join("\n", hits.subList(Math.max(0, hits.size() - max), hits.size()));
    }

    private void readAppended() {
        Path f = file.get();
        if (f == null || !Files.exists(f)) {
            return;
        }
        try (RandomAccessFile in = new RandomAccessFile(f.toFile(), "r")) {
            long length = in.length();
            if (length < position) {
                position = 0; // rolled over or truncated: start again
            }
            if (length == position) {
                return;
            }
            byte[] chunk = new byte[(int) Math.min(length - position, 8 << 20)];
            in.seek(position);
            in.readFully(chunk);
            position += chunk.length;
            partial.append(new String(chunk, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int newline;
        while ((newline = partial.indexOf("\n")) >= 0) {
            lines.addLast(partial.substring(0, newline));
            partial.delete(0, newline + 1);
            if (lines.size() > keep) {
                lines.removeFirst();
            }
        }
    }
}
