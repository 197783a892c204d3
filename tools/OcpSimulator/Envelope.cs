using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace BackupOperator.OcpSimulator;

/// <summary>OCP's response envelope, for answers and for errors.</summary>
public static class Envelope
{
    public static IResult Ok(JsonNode? data, TimeProvider time) =>
        Results.Json(Base(200, time, true, data), statusCode: 200);

    public static IResult Error(int status, string code, string message, TimeProvider time)
    {
        var body = Base(status, time, false, null);
        body.Remove("data");
        body["error"] = new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["debugMessage"] = $"simulated OCP: {message}",
            ["subErrors"] = new JsonArray(),
        };
        return Results.Json(body, statusCode: status);
    }

    private static JsonObject Base(int status, TimeProvider time, bool successful, JsonNode? data) => new()
    {
        ["data"] = data,
        ["successful"] = successful,
        ["timestamp"] = SimulatorState.Format(time.GetUtcNow()),
        ["duration"] = 3,
        ["status"] = status,
        ["traceId"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant(),
        ["server"] = "ocp-sim",
    };
}
