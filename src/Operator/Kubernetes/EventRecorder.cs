using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using BackupOperator.KubeClient;
using BackupOperator.Operator.Runtime;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Options;

namespace BackupOperator.Operator.Kubernetes;

/// <summary>
/// events.k8s.io/v1 Events on the resource, so `kubectl describe` tells the story. Like client-go's
/// recorder, it hands events to a bounded queue that one background writer empties in order, at
/// most Events:Qps a second after a burst of Events:Burst: a reconcile never waits for an event,
/// and in a storm of backups the API server's capacity goes to their status first (events follow,
/// with the time they happened; beyond 4,096 pending the excess is dropped and logged). Pending
/// events are written on a graceful stop.
/// </summary>
public sealed partial class EventRecorder : BackgroundService, IEventRecorder
{
    public const string ReportingController = "ocp.oceanbase.com/backup-operator";
    public const int QueueCapacity = 4096;

    /// <summary>events.k8s.io/v1 refuses a note over 1 KB, counted in UTF-8 bytes.</summary>
    internal const int MaxNoteBytes = 1024;

    /// <summary>An event's name is a DNS-1123 subdomain: at most 253 characters.</summary>
    internal const int MaxNameLength = 253;

    private const char Ellipsis = '…';
    private const int EllipsisBytes = 3;
    private const int HashOfNameLength = 8;
    private readonly KubeApiClient _client;
    private readonly TimeProvider _time;
    private readonly OperatorIdentity _identity;
    private readonly ILogger<EventRecorder> _logger;
    private readonly Channel<JsonObject> _pending;
    private readonly TokenBucket _rate;

    public EventRecorder(KubeApiClient client, TimeProvider time, OperatorIdentity identity, ILogger<EventRecorder> logger,
        IOptions<EventOptions> options, int capacity = QueueCapacity)
    {
        _client = client;
        _time = time;
        _identity = identity;
        _logger = logger;
        _rate = new TokenBucket(time, options.Value.Qps, options.Value.Burst);
        _pending = Channel.CreateBounded<JsonObject>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            dropped => NotRecorded(dropped, "the event queue is full"));
    }

    public Task RecordAsync(IKubernetesObject<V1ObjectMeta> regarding, ObjectEvent objectEvent, CancellationToken cancellationToken)
    {
        var body = Build(regarding, objectEvent, _time.GetUtcNow(), _identity.Name);
        if (!_pending.Writer.TryWrite(body))
        {
            NotRecorded(body, "the operator is stopping");
        }

        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var body in _pending.Reader.ReadAllAsync(stoppingToken))
        {
            await _rate.TakeAsync(stoppingToken);
            try
            {
                var ns = body["metadata"]!["namespace"]!.GetValue<string>();
                await _client.SendAsync(HttpMethod.Post, ResourcePath.Events.For(ns),
                    KubeApiClient.JsonContent(body.ToJsonString()), stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Any failure that is not our own stop, a client timeout (TaskCanceledException) included,
                // costs this event only: the writer goes on, so the host never stops over an event.
                NotRecorded(body, e.Message);
            }
        }
    }

    /// <summary>Takes no more events and writes the pending ones, for as long as the host's stop allows.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _pending.Writer.TryComplete();
        if (ExecuteTask is { } writer)
        {
            try
            {
                await writer.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // out of time: the rest is dropped by the base stop
            }
        }

        await base.StopAsync(cancellationToken);
    }

    private void NotRecorded(JsonObject body, string error) =>
        LogEventNotRecorded(_logger, body["regarding"]?["namespace"]?.GetValue<string>() ?? "", body["regarding"]?["name"]?.GetValue<string>() ?? "",
            body["reason"]?.GetValue<string>() ?? "", error);

    /// <summary>Where Events about cluster-scoped objects are written.</summary>
    public const string ClusterScopedNamespace = "kube-system";

    internal static JsonObject Build(IKubernetesObject<V1ObjectMeta> resource, ObjectEvent e, DateTimeOffset now, string instance)
    {
        return new JsonObject
        {
            ["apiVersion"] = "events.k8s.io/v1",
            ["kind"] = "Event",
            ["metadata"] = new JsonObject
            {
                // client-go's convention: the object's name and a unique hex suffix.
                ["name"] = Name(resource.Metadata.Name, $".{now.UtcTicks:x}{Random.Shared.Next(0x10000):x4}"),
                // Events about a cluster-scoped object live in kube-system: every API server accepts an
                // events.k8s.io Event with an empty regarding.namespace there ("default" only since 1.22;
                // 1.20 answers 422), and kubectl describe finds them in any namespace.
                ["namespace"] = string.IsNullOrEmpty(resource.Metadata.NamespaceProperty) ? ClusterScopedNamespace : resource.Metadata.NamespaceProperty,
            },
            ["eventTime"] = MicroTime(now),
            ["reportingController"] = ReportingController,
            ["reportingInstance"] = instance,
            ["action"] = e.Reason,
            ["reason"] = e.Reason,
            ["note"] = Note(e.Note),
            ["type"] = e.Warning ? "Warning" : "Normal",
            ["regarding"] = new JsonObject
            {
                ["apiVersion"] = resource.ApiVersion,
                ["kind"] = resource.Kind,
                ["name"] = resource.Metadata.Name,
                ["namespace"] = resource.Metadata.NamespaceProperty,
                ["uid"] = resource.Metadata.Uid,
                ["resourceVersion"] = resource.Metadata.ResourceVersion,
            },
        };
    }

    /// <summary>
    /// The event's name: the object's name and <paramref name="suffix"/>, within 253 characters whatever the
    /// object's name; a name too long keeps its start and gets 8 hex of SHA-256(name), so two long names apart stay apart.
    /// </summary>
    internal static string Name(string objectName, string suffix)
    {
        var max = MaxNameLength - suffix.Length;
        if (objectName.Length <= max)
        {
            return objectName + suffix;
        }

        var kept = objectName[..(max - 1 - HashOfNameLength)].TrimEnd('-', '.');
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(objectName)))[..HashOfNameLength];
        return $"{kept}-{hash}{suffix}";
    }

    /// <summary>The note within <see cref="MaxNoteBytes"/> UTF-8 bytes, cut between characters (never inside one) and marked with an ellipsis.</summary>
    internal static string Note(string note)
    {
        if (Encoding.UTF8.GetByteCount(note) <= MaxNoteBytes)
        {
            return note;
        }

        var budget = MaxNoteBytes - EllipsisBytes;
        var kept = new StringBuilder(note.Length);
        foreach (var rune in note.EnumerateRunes())
        {
            if (rune.Utf8SequenceLength > budget)
            {
                break;
            }

            budget -= rune.Utf8SequenceLength;
            kept.Append(rune.ToString());
        }

        return kept.Append(Ellipsis).ToString();
    }

    /// <summary>The API server parses MicroTime only with exactly six fraction digits, also for a whole second.</summary>
    internal static string MicroTime(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    [LoggerMessage(2002, LogLevel.Warning, "Event {Reason} for {Namespace}/{Name} not recorded: {Error}")]
    private static partial void LogEventNotRecorded(ILogger logger, string @namespace, string name, string reason, string error);
}
