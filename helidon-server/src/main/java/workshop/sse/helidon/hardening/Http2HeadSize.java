package workshop.sse.helidon.hardening;

import io.helidon.http.Header;
import io.helidon.webserver.http.ServerRequest;
import workshop.sse.core.http.HeadRules;
import workshop.sse.helidon.http.Exchanges;

/**
 * SPEC 10.3's 8 KiB head limit, for an HTTP/2 request. Helidon's maxHeaderListSize counts the header block as it
 * arrives, HPACK-compressed (Huffman codes make 9 KiB of letters about 6 KiB), and not as the decoded size that
 * SETTINGS_MAX_HEADER_LIST_SIZE means: so the routing measures the head as HTTP/1.1 would have sent it.
 */
final class Http2HeadSize {

    private Http2HeadSize() {
    }

    static boolean tooLarge(ServerRequest req) {
        if (!Exchanges.isHttp2(req)) {
            return false; // HTTP/1.1: Helidon's parser refuses a big head before routing (431 by BadRequests)
        }
        long size = req.prologue().method().text().length() + 1 + req.prologue().uriPath().rawPath().length()
                + req.query().rawValue().length() + 1 + " HTTP/1.1\r\n".length() + 2;
        for (Header header : req.headers()) {
            size += header.name().length() + 2 + header.value().length() + 2;
        }
        return size > HeadRules.MAX_BYTES;
    }
}
