package workshop.sse.rawsocket.selftest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import workshop.sse.core.launch.Settings;
import workshop.sse.rawsocket.Main;
import workshop.sse.rawsocket.RawSocketServer;
import workshop.sse.tck.ServerUnderTest;
import workshop.sse.tck.SseServerTck;

/**
 * The kit against the real raw-socket server behind a {@link FaultProxy} with the fault of the current {@link Run}
 * (or none), or behind a {@link FaultyTlsFront} for a fault of the TLS connection. The "running:" checks start {@link
 * FaultyLauncher} for a fault of section 1 (and of TLS at start), the plain Main otherwise.
 * Not a test of its own: {@link KitCatchesEveryFaultTest} runs it.
 */
class FaultyRawSocketTck extends SseServerTck {

    /** What one run of the kit is against (null: no fault), and what the proxy reported about itself meanwhile. */
    record Run(Fault fault, List<String> proxyErrors) {
        Run(Fault fault) {
            this(fault, new CopyOnWriteArrayList<>());
        }
    }

    /**
     * The run in progress on this thread. The JUnit launcher makes the instance of this class itself, and runs its
     * lifecycle and checks on the thread that called it: so runs on several threads each see their own.
     */
    static final ThreadLocal<Run> RUN = new ThreadLocal<>();

    private Run run;

    @Override
    protected ServerUnderTest startServer(Map<String, String> settings) throws IOException {
        run = Objects.requireNonNull(RUN.get(), "no run set: KitCatchesEveryFaultTest runs this kit");
        Fault fault = run.fault() == null || run.fault().breaksTheLauncher() ? null : run.fault();
        RawSocketServer server = RawSocketServer.start(Settings.fromEnv(settings));
        if (fault != null && fault.breaksTheTlsFront()) {
            FaultyTlsFront front;
            try {
                front = FaultyTlsFront.start(server.port(), fault);
            } catch (IOException | RuntimeException e) {
                server.close();
                throw e;
            }
            return ServerUnderTest.of(front.baseUri(), () -> {
                front.close();
                server.close();
            });
        }
        FaultProxy proxy;
        try {
            proxy = FaultProxy.start(server.port(), fault, run.proxyErrors()::add);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return ServerUnderTest.of(proxy.baseUri(), () -> {
            proxy.close();
            server.close();
        });
    }

    @Override
    protected List<String> launchCommand() {
        Fault fault = run == null ? null : run.fault();
        if (fault != null && fault.breaksTheLauncher()) {
            List<String> command = new ArrayList<>(javaCommand(FaultyLauncher.class.getName()));
            command.add(fault.name());
            return command;
        }
        return javaCommand(Main.class.getName());
    }
}
