package workshop.sse.scaleout;

import java.util.Map;
import workshop.sse.tck.ServerUnderTest;
import workshop.sse.tck.SseServerTck;

/**
 * The whole kit against a cluster of two stacks: a Javalin and a Helidon instance sharing one redis-server, behind
 * one address that sends each new connection to the next instance in turn (no sticky sessions). A stream may open on
 * one instance, its publish land on the other, and its reconnect on either: the SPEC must hold all the same.
 */
class ClusterConformanceTest extends SseServerTck {

    @Override
    protected ServerUnderTest startServer(Map<String, String> settings) throws Exception {
        return TwoStackCluster.start(settings, true);
    }
}
