package workshop.sse.core.demo;

/** Requests for the tests, built the way a server builds them from its request API. */
final class Requests {

    private Requests() {
    }

    /** A counter request: {@code interval} and {@code limit} are its query values (null: absent). */
    static StreamRequest counter(boolean head, String accept, String lastEventId, String interval, String limit) {
        return new StreamRequest(head, accept, lastEventId, name -> switch (name) {
            case "interval" -> interval;
            case "limit" -> limit;
            default -> null;
        });
    }

    /** A broadcast request: {@code lastEventIdQuery} is the query's {@code lastEventId} (null: absent). */
    static StreamRequest broadcast(boolean head, String accept, String lastEventId, String lastEventIdQuery) {
        return new StreamRequest(head, accept, lastEventId, name -> name.equals("lastEventId") ? lastEventIdQuery : null);
    }
}
