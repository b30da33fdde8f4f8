package workshop.sse.browser;

/** index.html, served by the raw-socket server, in headless Chromium. */
class RawSocketPageTest extends WorkshopPageTck {

    @Override
    protected String serverName() {
        return "raw-socket";
    }
}
