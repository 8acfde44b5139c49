package dev.forgeci.trigger.status;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.forgeci.trigger.config.ForgeConfig;

/**
 * Where people are sent to watch what a trigger started: the viewer's page of the run when it
 * started one, the page of the commit's runs when it started several (a broker run and a commit
 * status carry a single link). The same link goes into {@code info_url}, commit statuses and the
 * trigger's answer.
 */
@ApplicationScoped
public class RunLinks {

    private final ForgeConfig.Status config;

    public RunLinks(ForgeConfig config) {
        this.config = config.status();
    }

    public String of(String commit, List<String> runIds) {
        if (runIds.size() == 1 || commit == null) {
            return run(runIds.get(0));
        }
        return config.commitUrl().replace("{commit}", commit);
    }

    public String run(String runId) {
        return config.targetUrl().replace("{runId}", runId);
    }
}
