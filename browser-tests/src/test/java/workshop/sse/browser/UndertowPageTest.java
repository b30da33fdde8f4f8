package workshop.sse.browser;

/** index.html, served by the undertow server, in headless Chromium. */
class UndertowPageTest extends WorkshopPageTck {

    @Override
    protected String serverName() {
        return "undertow";
    }
}
