package workshop.sse.bench;

import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The broadcast streams of one run, as {@link LoadRun} drives and reads them, whoever opens them: the bench's own
 * selector ({@link Subscribers}, cleartext HTTP/1.1) or Jetty's client ({@link ClientStreams}, over TLS, HTTP/2 too).
 * The counters are final after {@link #stop}; {@link #delivered} and {@link #lastDelivery} may be read meanwhile.
 */
interface Streams extends AutoCloseable {

    /** Starts opening streams as planned; they are read until {@link #stop}. */
    void open(Subscribers.Opening plan);

    /** Waits until every planned stream is established or has failed (the plan's deadline bounds this). */
    void awaitOpened() throws InterruptedException;

    /** From now on a closed stream is not counted as dropped: the run is over. */
    void stopCounting();

    /** Stops reading; the counters are final after this. */
    void stop() throws InterruptedException;

    /** Every client vanishes at once. */
    @Override
    void close();

    int established();

    /** The connections the established streams used. */
    int connections();

    Map<String, Integer> failed();

    Map<String, Integer> dropped();

    int droppedCount();

    double openSeconds();

    Histogram connectMicros();

    /** Every delivery's latency so far, in microseconds. */
    Histogram latencyMicros();

    long delivered();

    long lastDelivery();

    long doubled();

    long outOfOrder();

    /** The deliveries through the server at each port, in the order they were given. */
    long[] deliveredThrough();

    /** CPU time the threads reading the streams have used, in nanoseconds. */
    long threadCpuNanos();
}
