package workshop.sse.browser;

/** index.html, served by the javalin server, in headless Chromium. */
class JavalinPageTest extends WorkshopPageTck {

    @Override
    protected String serverName() {
        return "javalin";
    }
}
