package org.snn4j.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import org.snn4j.experiment.Experiment;
import org.snn4j.experiment.Workload;
import org.snn4j.util.InputException;

/** Experiments and benchmark workloads found on the class path (ServiceLoader). */
final class Registry {
    private Registry() {
    }

    static List<Experiment> experiments() {
        List<Experiment> l = new ArrayList<>();
        ServiceLoader.load(Experiment.class).forEach(l::add);
        l.sort(Comparator.comparing(Experiment::name));
        return l;
    }

    static List<Workload> workloads() {
        List<Workload> l = new ArrayList<>();
        ServiceLoader.load(Workload.class).forEach(l::add);
        l.sort(Comparator.comparing(Workload::name));
        return l;
    }

    static Experiment experiment(String name) {
        for (Experiment e : experiments()) if (e.name().equals(name)) return e;
        List<String> names = new ArrayList<>();
        for (Experiment e : experiments()) names.add(e.name());
        throw new InputException("unknown experiment '" + name + "' (known: " + String.join(", ", names) + ")");
    }

    static Workload workload(String name) {
        for (Workload w : workloads()) if (w.name().equals(name)) return w;
        List<String> names = new ArrayList<>();
        for (Workload w : workloads()) names.add(w.name());
        throw new InputException("unknown benchmark '" + name + "' (known: " + String.join(", ", names) + ")");
    }
}
