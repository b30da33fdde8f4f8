package workshop.sse.scaleout;

import java.util.Map;
import workshop.sse.tck.ServerUnderTest;
import workshop.sse.tck.SseServerTck;

/**
 * The kit against a broken cluster: two instances behind one address, each with a Redis of its own, so that they
 * share no ids, no history and no subscribers. Not a test of its own: {@link KitCatchesABrokenClusterTest} runs it.
 */
class SharedNothingCluster extends SseServerTck {

    @Override
    protected ServerUnderTest startServer(Map<String, String> settings) throws Exception {
        return TwoStackCluster.start(settings, false);
    }
}
