package dev.lathe.serve.http;

import dev.lathe.serve.registry.ServedModel;
import dev.lathe.serve.scheduler.SchedulerStats;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Operations routes: {@code /health} (the process answers), {@code /ready} (every loaded model's
 * scheduler is accepting, with its queue and batch figures), {@code /metrics} (Prometheus text), and the
 * adapter reload.
 */
final class OpsHandler {
    private OpsHandler() {}

    static void health(Call call) {
        call.json(200, Map.of("status", "ok"));
    }

    static void ready(Call call) {
        Map<String, Object> models = new LinkedHashMap<>();
        for (ServedModel m : call.server.registry().loadedModels()) {
            SchedulerStats s = m.scheduler().stats();
            models.put(m.name(), Map.of("queue_depth", s.queueDepth(), "active_sequences", s.activeSequences(),
                    "queue_capacity", m.scheduler().config().queueCapacity()));
        }
        boolean ready = !call.server.registry().list().isEmpty();
        call.json(ready ? 200 : 503, Map.of("status", ready ? "ready" : "no models loaded", "models", models));
    }

    static void metrics(Call call) {
        call.ctx.status(200);
        call.ctx.contentType("text/plain; version=0.0.4; charset=utf-8");
        call.ctx.result(call.server.meters().scrape());
    }

    static void reload(Call call) {
        List<String> changes = call.server.reload().get();
        call.json(200, Map.of("reloaded", changes));
    }
}
