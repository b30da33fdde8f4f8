package workshop.sse.bench;

import java.util.List;

/**
 * One load profile: how many broadcast streams, opened how fast, and how the events are published. The three of
 * the comparison are {@link #IDLE}, {@link #STEADY} and {@link #BURST}; the smoke test runs small copies.
 */
record Profile(String name, String title, int streams, int openPerSecond, Publishing publishing, int events,
               double perSecond, List<Figure> shown) {

    enum Publishing { NONE, OPEN_LOOP, BACK_TO_BACK }

    static final Profile IDLE = new Profile("idle", "10,000 idle broadcast streams, opened at 2,000/s",
            10_000, 2_000, Publishing.NONE, 0, 0,
            List.of(Figure.ESTABLISHED, Figure.FAILED, Figure.CONNECT_P50_MS, Figure.CONNECT_P99_MS,
                    Figure.RSS_PER_STREAM_KIB, Figure.THREADS));

    static final Profile STEADY = new Profile("steady", "1,000 streams × 50 events/s for 15 s, on schedule",
            1_000, 2_000, Publishing.OPEN_LOOP, 750, 50,
            List.of(Figure.PUBLISH_RATE, Figure.LOST, Figure.LATENCY_P50_MS, Figure.LATENCY_P99_MS,
                    Figure.LATENCY_MAX_MS, Figure.CPU_PER_DELIVERY_US));

    static final Profile BURST = new Profile("burst", "10,000 streams × 100 events back to back",
            10_000, 2_000, Publishing.BACK_TO_BACK, 100, 0,
            List.of(Figure.LOST, Figure.DELIVERIES_PER_SECOND, Figure.LATENCY_P50_MS, Figure.LATENCY_P99_MS,
                    Figure.ANSWER_P50_MS, Figure.CPU_PER_DELIVERY_US));

    static final List<Profile> ALL = List.of(IDLE, STEADY, BURST);

    /** The same profile at another size, for the smoke test and for trying things out. */
    Profile scaled(int streams, int events) {
        return new Profile(name, title + " (scaled to " + streams + " streams, " + events + " events)", streams,
                openPerSecond, publishing, events, perSecond, shown);
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
