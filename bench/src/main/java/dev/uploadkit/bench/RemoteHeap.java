package dev.uploadkit.bench;

import com.sun.tools.attach.VirtualMachine;

import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;

/**
 * {@link HeapMeter}'s figures for another JVM on this machine: attaches to it (JDK attach API), starts its
 * local JMX agent and reads the heap pools' peaks. Same definition as in-process, so figures stay comparable
 * with {@code ServerBenchmark}: peaks are reset just before the upload and read just after it, which bounds
 * the window exactly (a GC log would only show heap at collections, and jcmd polling costs a JVM start each).
 */
final class RemoteHeap implements AutoCloseable {
    private final JMXConnector connector;
    private final MemoryMXBean memory;
    private final List<MemoryPoolMXBean> heapPools;

    private RemoteHeap(JMXConnector connector, MemoryMXBean memory, List<MemoryPoolMXBean> heapPools) {
        this.connector = connector;
        this.memory = memory;
        this.heapPools = heapPools;
    }

    static RemoteHeap attach(long pid) throws IOException {
        String address;
        try {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
            try {
                address = vm.startLocalManagementAgent();
            } finally {
                vm.detach();
            }
        } catch (com.sun.tools.attach.AttachNotSupportedException e) {
            throw new IOException("cannot attach to JVM " + pid, e);
        }
        JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
        MBeanServerConnection connection = connector.getMBeanServerConnection();
        MemoryMXBean memory = ManagementFactory.getPlatformMXBean(connection, MemoryMXBean.class);
        List<MemoryPoolMXBean> pools = ManagementFactory.getPlatformMXBeans(connection, MemoryPoolMXBean.class)
                .stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
        return new RemoteHeap(connector, memory, pools);
    }

    /** Collects garbage and starts a new peak measurement. */
    void reset() {
        memory.gc();
        heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /** Returns the sum of the heap pools' peaks since {@link #reset()}, garbage included. */
    long peak() {
        return heapPools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    /** Returns the heap in use after a full GC. */
    long live() {
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** Returns the heap limit (-Xmx). */
    long max() {
        return memory.getHeapMemoryUsage().getMax();
    }

    @Override
    public void close() throws IOException {
        connector.close();
    }
}
