package workshop.sse.helidon.hardening;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Ends a stream whose client stopped reading: its writer is blocked in a socket write, and interrupting a virtual
 * thread blocked in I/O makes the JDK close the socket, so the write fails now. Helidon's request API has no handle
 * on the connection to close it directly. The writer is interrupted only while it still writes this stream, never
 * during the connection's next request.
 */
public final class WriterInterrupter {

    private final Thread writer;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean writing = true;

    public WriterInterrupter(Thread writer) {
        this.writer = writer;
    }

    public void interrupt() {
        lock.lock();
        try {
            if (writing) {
                writer.interrupt();
            }
        } finally {
            lock.unlock();
        }
    }

    public void done() {
        lock.lock();
        try {
            writing = false;
            Thread.interrupted(); // clear an interrupt that came too late to matter
        } finally {
            lock.unlock();
        }
    }
}
