package workshop.sse.javalin.hardening;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Enumeration;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import workshop.sse.core.http.AcceptHeader;

/**
 * Javalin's SseHandler streams only when the Accept header contains the text "text/event-stream"; for no Accept,
 * {@code * / *} or {@code text/*} it answers an empty 200. The SPEC streams for those too (406 is decided before, by
 * the demo). So for a request whose Accept allows the stream, Javalin is shown that header spelled out.
 */
public final class AcceptForSseHandler {

    private static final String EVENT_STREAM = "text/event-stream";

    private AcceptForSseHandler() {
    }

    public static void install(ServletContextHandler handler) {
        Filter filter = (request, response, chain) -> {
            HttpServletRequest http = (HttpServletRequest) request;
            String accept = http.getHeader("Accept");
            boolean spelledOut = accept != null && accept.contains(EVENT_STREAM);
            if (!spelledOut && AcceptHeader.allowsEventStream(accept)) {
                request = new HttpServletRequestWrapper(http) {
                    @Override
                    public String getHeader(String name) {
                        return name.equalsIgnoreCase("Accept") ? EVENT_STREAM : super.getHeader(name);
                    }

                    @Override
                    public Enumeration<String> getHeaders(String name) {
                        return name.equalsIgnoreCase("Accept")
                                ? Collections.enumeration(java.util.List.of(EVENT_STREAM)) : super.getHeaders(name);
                    }
                };
            }
            chain.doFilter(request, response);
        };
        handler.addFilter(new FilterHolder(filter), "/api/*", EnumSet.of(DispatcherType.REQUEST));
    }
}
