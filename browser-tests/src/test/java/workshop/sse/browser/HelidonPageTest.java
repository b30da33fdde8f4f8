package workshop.sse.browser;

/** index.html, served by the helidon server, in headless Chromium. */
class HelidonPageTest extends WorkshopPageTck {

    @Override
    protected String serverName() {
        return "helidon";
    }
}
