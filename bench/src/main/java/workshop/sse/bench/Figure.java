package workshop.sse.bench;

/** One measured figure of a run: its key in the JSON, how the tables name it, and which way is better. */
enum Figure {
    STREAMS("streams", "streams asked for", "", 0, Better.NEITHER),
    ESTABLISHED("established", "established", "", 0, Better.HIGHER),
    FAILED("failed", "failed", "", 0, Better.LOWER),
    CONNECTIONS("connections", "connections", "", 0, Better.NEITHER),
    DROPPED("dropped", "dropped", "", 0, Better.LOWER),
    OPEN_SECONDS("openSeconds", "time to open", "s", 1, Better.LOWER),
    CONNECT_P50_MS("connectP50Ms", "connect p50", "ms", 1, Better.LOWER),
    CONNECT_P99_MS("connectP99Ms", "connect p99", "ms", 1, Better.LOWER),
    RSS_BEFORE_MIB("rssBeforeMiB", "RSS before opening", "MiB", 1, Better.LOWER),
    RSS_PER_STREAM_KIB("rssPerStreamKiB", "RSS per stream", "KiB", 1, Better.LOWER),
    THREADS("threads", "threads", "", 0, Better.LOWER),
    PUBLISHED("published", "published (202)", "", 0, Better.NEITHER),
    PUBLISH_FAILED("publishFailed", "publishes refused or failed", "", 0, Better.LOWER),
    PUBLISH_RATE("publishRate", "publishes/s", "/s", 1, Better.HIGHER),
    MAX_LATE_MS("maxLateMs", "publisher's worst lag behind schedule", "ms", 1, Better.LOWER),
    ANSWER_P50_MS("answerP50Ms", "publish answered, p50", "ms", 2, Better.LOWER),
    ANSWER_P99_MS("answerP99Ms", "publish answered, p99", "ms", 2, Better.LOWER),
    EXPECTED("expected", "deliveries expected", "", 0, Better.NEITHER),
    DELIVERED("delivered", "delivered", "", 0, Better.HIGHER),
    LOST("lost", "lost", "", 0, Better.LOWER),
    DOUBLED("doubled", "doubled", "", 0, Better.LOWER),
    OUT_OF_ORDER("outOfOrder", "out of order", "", 0, Better.LOWER),
    CROSSED("crossed", "delivered by another instance", "", 0, Better.NEITHER),
    DELIVERIES_PER_SECOND("deliveriesPerSecond", "deliveries/s", "/s", 0, Better.HIGHER),
    LATENCY_P50_MS("latencyP50Ms", "latency p50", "ms", 1, Better.LOWER),
    LATENCY_P90_MS("latencyP90Ms", "latency p90", "ms", 1, Better.LOWER),
    LATENCY_P99_MS("latencyP99Ms", "latency p99", "ms", 1, Better.LOWER),
    LATENCY_MAX_MS("latencyMaxMs", "latency max", "ms", 1, Better.LOWER),
    SERVER_CPU_SECONDS("serverCpuSeconds", "server CPU", "s", 2, Better.LOWER),
    CPU_PER_DELIVERY_US("cpuPerDeliveryMicros", "server CPU per delivery", "µs", 1, Better.LOWER),
    REDIS_CPU_PER_PUBLISH_US("redisCpuPerPublishMicros", "redis-server CPU per publish", "µs", 1, Better.LOWER),
    GENERATOR_CPU_SECONDS("generatorCpuSeconds", "generator CPU", "s", 2, Better.NEITHER),
    GENERATOR_BUSY("generatorBusy", "generator's reader thread busy", "", 2, Better.NEITHER);

    enum Better { LOWER, HIGHER, NEITHER }

    final String key;
    final String label;
    final String unit;
    final int decimals;
    final Better better;

    Figure(String key, String label, String unit, int decimals, Better better) {
        this.key = key;
        this.label = label;
        this.unit = unit;
        this.decimals = decimals;
        this.better = better;
    }

    String format(double value) {
        if (Double.isNaN(value)) {
            return "–";
        }
        String number = decimals == 0 || Math.abs(value) >= 1000
                ? String.format(java.util.Locale.ROOT, "%,.0f", value)
                : String.format(java.util.Locale.ROOT, "%,." + decimals + "f", value);
        return unit.isEmpty() || unit.equals("/s") ? number : number + " " + unit;
    }
}
