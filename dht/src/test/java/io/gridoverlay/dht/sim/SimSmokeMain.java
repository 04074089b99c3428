package io.gridoverlay.dht.sim;

/** Manual run: java -cp ... io.gridoverlay.dht.sim.SimSmokeMain nodes lookups. */
final class SimSmokeMain {
    public static void main(String[] args) {
        Scenario sc = Scenario.builder().nodes(Integer.parseInt(args[0])).lookups(Integer.parseInt(args[1]))
                .init(args.length > 2 ? Scenario.parseInit(args[2]) : Scenario.Init.ORACLE).build();
        SimulationResult r = Simulation.run(sc);
        System.out.println(r.summary().asMap());
        System.out.println(r.costs());
    }
}
