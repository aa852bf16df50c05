package org.m2mbridge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time (user + system) of a process from {@code /proc/<pid>/stat} (Linux, proc(5): fields 14 and 15 in clock
 * ticks), so the bridge's CPU per forwarded primitive is measured from outside without touching it. Pid 0 means
 * "not watched": every sample is zero.
 */
record ProcessCpu(long pid, long ticksPerSecond) {
    /** USER_HZ is 100 on every mainstream Linux architecture; {@code getconf CLK_TCK} would tell otherwise. */
    static final long USER_HZ = 100;

    static ProcessCpu of(long pid) {
        return new ProcessCpu(pid, USER_HZ);
    }

    record Sample(long cpuNanos) {
    }

    Sample sample() {
        if (pid <= 0) {
            return new Sample(0);
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) may contain spaces: count fields after its closing parenthesis.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return new Sample(ticks * 1_000_000_000L / ticksPerSecond);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read CPU time of pid " + pid + ": " + e.getMessage(), e);
        }
    }
}
