package dev.uploadkit.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/** Heap figures for the benchmarks: the peak between {@link #reset()} and {@link #peak()}, and live heap. */
final class HeapMeter {
    private HeapMeter() {
    }

    /** Collects garbage and starts a new peak measurement. */
    static void reset() {
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /** Returns the sum of the heap pools' peaks since {@link #reset()}, garbage included. */
    static long peak() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    /** Returns the heap in use after a full GC. */
    static long live() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
