package workshop.sse.bench;

import java.util.List;

/**
 * One load profile: how many broadcast streams, opened how fast, and how the events are published. The three of
 * the comparison are {@link #IDLE}, {@link #STEADY} and {@link #BURST}; the smoke test runs small copies.
 */
record Profile(String name, String title, int streams, int openPerSecond, Publishing publishing, int events,
               double perSecond, List<Figure> shown, Figure headline, Pauses pauses) {

    enum Publishing { NONE, OPEN_LOOP, BACK_TO_BACK }

    /**
     * The waits around the measurement: after opening (the presence rounds go out), the warm-up's length and the
     * pause after it, and how long the clients are gone before the server is stopped.
     */
    record Pauses(long settleMs, long idleSettleMs, double warmUpSeconds, long afterWarmUpMs, long leaveMs) {
        static final Pauses FULL = new Pauses(1_000, 3_000, 3, 2_000, 2_000);
        static final Pauses SMOKE = new Pauses(200, 300, 0.2, 300, 300);
    }

    static final Profile IDLE = new Profile("idle", "10,000 idle broadcast streams, opened at 2,000/s",
            10_000, 2_000, Publishing.NONE, 0, 0,
            List.of(Figure.ESTABLISHED, Figure.FAILED, Figure.CONNECT_P50_MS, Figure.CONNECT_P99_MS,
                    Figure.RSS_PER_STREAM_KIB, Figure.THREADS), Figure.RSS_PER_STREAM_KIB, Pauses.FULL);

    static final Profile STEADY = new Profile("steady", "1,000 streams × 50 events/s for 15 s, on schedule",
            1_000, 2_000, Publishing.OPEN_LOOP, 750, 50,
            List.of(Figure.PUBLISH_RATE, Figure.LOST, Figure.LATENCY_P50_MS, Figure.LATENCY_P99_MS,
                    Figure.LATENCY_MAX_MS, Figure.CPU_PER_DELIVERY_US), Figure.LATENCY_P99_MS, Pauses.FULL);

    static final Profile BURST = new Profile("burst", "10,000 streams × 100 events back to back",
            10_000, 2_000, Publishing.BACK_TO_BACK, 100, 0,
            List.of(Figure.LOST, Figure.DELIVERIES_PER_SECOND, Figure.LATENCY_P50_MS, Figure.LATENCY_P99_MS,
                    Figure.ANSWER_P50_MS, Figure.CPU_PER_DELIVERY_US), Figure.LATENCY_P99_MS, Pauses.FULL);

    static final List<Profile> ALL = List.of(IDLE, STEADY, BURST);

    /**
     * {@code bench http2}'s profile, not the comparison's: the same streams over HTTP/2 (few connections) and over
     * HTTP/1.1 (one connection each), both with TLS; memory and threads once they are open, then latency and CPU under
     * a steady load, moderate so that TLS on a 2-core machine leaves the server, not the generator, the limit.
     */
    static final Profile HTTP2 = new Profile("http2", "2,000 streams × 5 events/s for 15 s, on schedule, over TLS",
            2_000, 250, Publishing.OPEN_LOOP, 75, 5,
            List.of(Figure.ESTABLISHED, Figure.CONNECTIONS, Figure.OPEN_SECONDS, Figure.CONNECT_P99_MS, Figure.RSS_PER_STREAM_KIB,
                    Figure.THREADS, Figure.LOST, Figure.LATENCY_P50_MS, Figure.LATENCY_P99_MS, Figure.LATENCY_MAX_MS,
                    Figure.CPU_PER_DELIVERY_US), Figure.LATENCY_P99_MS, Pauses.FULL);

    /** The same profile at another size, for trying things out. */
    Profile scaled(int streams, int events) {
        return new Profile(name, title + " (scaled to " + streams + " streams, " + events + " events)", streams,
                openPerSecond, publishing, events, perSecond, shown, headline, pauses);
    }

    /** A small and quick copy, to check that the bench and the servers still work together: not a measurement. */
    Profile smoke() {
        Profile small = scaled(Math.max(1, streams / 200), Math.max(1, events / 20));
        return new Profile(name, small.title + ", smoke test", small.streams, openPerSecond, publishing, small.events,
                perSecond, shown, headline, Pauses.SMOKE);
    }

    /** The same profile, its tables showing {@code figures}. */
    Profile showing(List<Figure> figures) {
        return new Profile(name, title, streams, openPerSecond, publishing, events, perSecond, figures, headline, pauses);
    }

    /** How long the open-loop schedule runs. */
    double seconds() {
        return publishing == Publishing.OPEN_LOOP ? events / perSecond : 0;
    }

    static Profile named(String name) {
        return ALL.stream().filter(p -> p.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no profile " + name + " (idle, steady, burst)"));
    }
}
