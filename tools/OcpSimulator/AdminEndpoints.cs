using System.Text.Json.Nodes;

namespace BackupOperator.OcpSimulator;

/// <summary>The test harness's handle on the simulator: faults, counters, forced outcomes. No auth: loopback only.</summary>
public static class AdminEndpoints
{
    public static void Map(WebApplication app)
    {
        var admin = app.MapGroup("/_sim");
        admin.MapPost("/faults", (FaultRequest f, SimulatorState state) =>
        {
            state.AddFault(new Fault(f.Operation ?? "any", f.ClusterId, f.Kind, Math.Max(1, f.Count ?? 1), f.DelayMs ?? 0, f.ErrorCode, f.Hint, f.Status));
            return Results.Ok();
        });
        admin.MapDelete("/faults", (SimulatorState state) =>
        {
            state.ClearFaults();
            return Results.Ok();
        });
        admin.MapGet("/stats", (SimulatorState state) => Results.Json(state.Stats()));
        admin.MapGet("/posts", (long? clusterId, SimulatorState state) => Results.Json(state.PostLog(clusterId)));
        admin.MapGet("/backups", (long? clusterId, SimulatorState state) => Results.Json(state.BackupsStarted(clusterId)));
        admin.MapGet("/requests/last", (long clusterId, SimulatorState state) =>
            state.LastRequest(clusterId) is { } body ? Results.Json(body) : Results.NotFound());
        admin.MapPost("/reset", (SimulatorState state) =>
        {
            state.Reset();
            return Results.Ok();
        });
        admin.MapPost("/tasks/{id:long}/finish", (long id, FinishRequest request, SimulatorState state) =>
        {
            if (state.Find(id) is not { } task)
            {
                return Results.NotFound();
            }

            task.ForcedStatus = request.Status;
            return Results.Ok();
        });
        admin.MapPost("/config", (SimSettings settings, SimulatorState state) =>
        {
            state.Configure(settings);
            return Results.Ok();
        });
        admin.MapGet("/config", (SimulatorState state) => Results.Json(state.Settings));
        admin.MapGet("/calls", (long? clusterId, long? taskId, SimulatorState state) => Results.Json(state.Calls(clusterId, taskId)));
    }

    public sealed record FaultRequest(string Kind, string? Operation, long? ClusterId, int? Count, int? DelayMs, JsonNode? ErrorCode, string? Hint, int? Status);

    public sealed record FinishRequest(string Status);
}
