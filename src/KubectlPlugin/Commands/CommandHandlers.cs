using System.CommandLine;
using BackupOperator.Entities;
using BackupOperator.KubeClient;
using BackupOperator.KubectlPlugin.Backups;
using BackupOperator.KubectlPlugin.Cli;
using BackupOperator.KubectlPlugin.Grants;
using BackupOperator.KubectlPlugin.Kubernetes;
using BackupOperator.KubectlPlugin.Output;

namespace BackupOperator.KubectlPlugin.Commands;

/// <summary>What each command does: connect, ask the API server, print; the decisions live in Backups and Output.</summary>
public sealed partial class CommandHandlers(PluginCommands commands, PluginConsole console)
{
    /// <summary>The API server in use once connected, for error messages.</summary>
    public string? Server { get; private set; }

    /// <summary>The request timeout in use once connected, for error messages.</summary>
    public TimeSpan? RequestTimeout { get; private set; }

    public void Bind()
    {
        commands.Create.SetAction(CreateAsync);
        commands.Wait.SetAction(WaitAsync);
        commands.List.SetAction((p, ct) => ListAsync(p, commands.ListFlags, BackupTable.View, namespaced: true, ct));
        commands.Describe.SetAction(DescribeAsync);
        commands.RunNow.SetAction(RunNowAsync);
        commands.Grant.SetAction(GrantAsync);
        commands.VersionCommand.SetAction(VersionAsync);
        commands.Completion.SetAction(async (p, _) =>
        {
            await console.Out.WriteAsync(CompletionScripts.For(p.GetValue(commands.CompletionShell)!));
            return ExitCodes.Ok;
        });
        BindResources();
    }

    private KubeSession Connect(ParseResult p)
    {
        var connection = KubeSession.Open(KubeSettings.From(commands, p), console.Environment, console.OwnsProcess);
        Server = connection.Server;
        RequestTimeout = connection.Timeout;
        return connection;
    }

    private async Task<int> CreateAsync(ParseResult p, CancellationToken ct)
    {
        var name = p.GetValue(commands.CreateName);
        var explicitNamespace = p.GetValue(commands.Namespace);
        V1alpha1ClusterBackupNow backup;
        KubeSession connection;
        if (p.GetValue(commands.File) is { } file)
        {
            // The file is read before connecting: a missing file is reported as such, whatever the kubeconfig.
            backup = BackupManifest.Parse(BackupManifest.Read(file, console.In), file == "-" ? "<stdin>" : file, name);
            var manifestNamespace = backup.Metadata.NamespaceProperty;
            if (explicitNamespace is not null && manifestNamespace is not null && manifestNamespace != explicitNamespace)
            {
                throw new PluginException($"the namespace of the manifest ({manifestNamespace}) does not match --namespace {explicitNamespace}");
            }

            connection = Connect(p);
            backup.Metadata.NamespaceProperty = manifestNamespace ?? connection.Namespace;
        }
        else
        {
            connection = Connect(p);
            var scheduleName = p.GetValue(commands.FromSchedule)!;
            var api = new BackupApi(connection.Client);
            var schedule = await api.GetScheduleAsync(connection.Namespace, scheduleName, ct)
                ?? throw new PluginException($"clusterbackupschedule \"{scheduleName}\" not found in namespace \"{connection.Namespace}\"", ExitCodes.NotFoundOrForbidden);
            backup = ScheduleRun.FromSchedule(schedule, name ?? ManualName.For(scheduleName, console.Time.GetUtcNow()), p.GetValue(commands.Incremental));
        }

        using (connection)
        {
            var api = new BackupApi(connection.Client);
            var ns = backup.Metadata.NamespaceProperty!;
            V1alpha1ClusterBackupNow created;
            try
            {
                created = await api.CreateBackupAsync(backup, ns, ct);
            }
            catch (KubeApiException e) when (e.StatusCode == System.Net.HttpStatusCode.Conflict)
            {
                throw new PluginException($"clusterbackupnow \"{backup.Metadata.Name}\" already exists in namespace \"{ns}\": choose another NAME (a backup is never run twice under one name)");
            }

            await console.Out.WriteLineAsync($"{BackupTable.Resource}/{created.Metadata.Name} created");
            return p.GetValue(commands.CreateWait)
                ? await WaitForAsync(api, ns, created.Metadata.Name, p.GetValue(commands.CreateTimeout), appearing: false, ct)
                : ExitCodes.Ok;
        }
    }

    private async Task<int> WaitAsync(ParseResult p, CancellationToken ct)
    {
        using var connection = Connect(p);
        return await WaitForAsync(new BackupApi(connection.Client), connection.Namespace, p.GetValue(commands.WaitName)!, p.GetValue(commands.WaitTimeout), appearing: false, ct);
    }

    private async Task<int> WaitForAsync(IBackupReader reader, string ns, string name, TimeSpan? timeout, bool appearing, CancellationToken ct)
    {
        var result = await new BackupWaiter(reader, console.Time).WaitAsync(ns, name, timeout, appearing, ct);
        var outcome = WaitOutcome.From(result, ns, name, timeout);
        await (outcome.IsError ? console.Error.WriteLineAsync("error: " + outcome.Line) : console.Out.WriteLineAsync(outcome.Line));
        return outcome.ExitCode;
    }

    /// <summary>Any kind's list command: its flags read, listed (and watched) as kubectl get does; a cluster-scoped kind has no namespace and no NAMESPACE column.</summary>
    private async Task<int> ListAsync<T>(ParseResult p, ListOptions flags, Func<DateTimeOffset, ListView<T>> view, bool namespaced, CancellationToken ct)
        where T : k8s.IKubernetesObject<k8s.Models.V1ObjectMeta>
    {
        using var connection = Connect(p);
        var request = flags.Read(p);
        if (!namespaced)
        {
            request = request with { Format = request.Format with { WithNamespace = false } };
        }

        return await new ListCommand(console).RunAsync(new ResourceLister(connection.Client), view,
            !namespaced || request.Format.WithNamespace ? null : connection.Namespace, connection.Namespace, request, ct);
    }

    private async Task<int> DescribeAsync(ParseResult p, CancellationToken ct)
    {
        using var connection = Connect(p);
        var api = new BackupApi(connection.Client);
        var name = p.GetValue(commands.DescribeName)!;
        var backup = await api.GetBackupAsync(connection.Namespace, name, ct)
            ?? throw new PluginException($"clusterbackupnow \"{name}\" not found in namespace \"{connection.Namespace}\"", ExitCodes.NotFoundOrForbidden);
        var (events, unavailable) = await EventsAsync(api, connection, connection.Namespace, V1alpha1ClusterBackupNow.EntityKind, backup.Metadata, ct);
        await console.Out.WriteAsync(BackupDescription.Render(backup, events, unavailable, console.Time.GetUtcNow()));
        return ExitCodes.Ok;
    }

    private async Task<int> RunNowAsync(ParseResult p, CancellationToken ct)
    {
        using var connection = Connect(p);
        var api = new BackupApi(connection.Client);
        var schedule = p.GetValue(commands.RunNowSchedule)!;
        var token = ScheduleRun.NewToken(console.Time.GetUtcNow());
        try
        {
            await api.AnnotateScheduleAsync(connection.Namespace, schedule, V1alpha1ClusterBackupSchedule.RunNowAnnotation, token, ct);
        }
        catch (KubeApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound && !ApiErrors.IsMissingResourceType(e))
        {
            throw new PluginException($"clusterbackupschedule \"{schedule}\" not found in namespace \"{connection.Namespace}\"", ExitCodes.NotFoundOrForbidden);
        }

        var child = ScheduleRun.ChildFor(schedule, token);
        await console.Out.WriteLineAsync($"{V1alpha1ClusterBackupSchedule.EntityKind.ToLowerInvariant()}.{V1alpha1ClusterBackupSchedule.ApiGroup}/{schedule} annotated");
        await console.Out.WriteLineAsync($"token: {token}");
        await console.Out.WriteLineAsync($"backup: {child}");
        return p.GetValue(commands.RunNowWait)
            ? await WaitForAsync(api, connection.Namespace, child, p.GetValue(commands.RunNowTimeout), appearing: true, ct)
            : ExitCodes.Ok;
    }

    /// <summary>As `kubectl version`: the client's line always; the server's when it answers, else a warning (exit 0).</summary>
    private async Task<int> VersionAsync(ParseResult p, CancellationToken ct)
    {
        await console.Out.WriteLineAsync($"Client Version: {PluginVersion.Client}");
        if (p.GetValue(commands.ClientOnly))
        {
            return ExitCodes.Ok;
        }

        try
        {
            using var connection = Connect(p);
            var server = await connection.Client.GetAsync<ServerVersion>("version", ct);
            await console.Out.WriteLineAsync($"Server Version: {server.GitVersion}");
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            await console.Error.WriteLineAsync($"warning: no server version: {ApiErrors.Describe(e, Server, RequestTimeout).Message}");
        }

        return ExitCodes.Ok;
    }

    /// <summary>The Role and the RoleBinding, each reported as kubectl reports it; an existing one must grant the same.</summary>
    private async Task<int> GrantAsync(ParseResult p, CancellationToken ct)
    {
        using var connection = Connect(p);
        var api = new RbacApi(connection.Client);
        var (secret, ns) = (p.GetValue(commands.GrantSecret)!, connection.Namespace);
        var (operatorNamespace, serviceAccount) = (p.GetValue(commands.OperatorNamespace)!, p.GetValue(commands.OperatorServiceAccount)!);
        var role = SecretGrantObjects.Role(secret);
        var existingRole = await api.CreateRoleAsync(role, ns, ct);
        if (existingRole is not null && !SecretGrantObjects.Grants(existingRole, secret))
        {
            throw new PluginException($"role \"{role.Metadata.Name}\" exists in namespace \"{ns}\" but does not grant get on secret \"{secret}\": delete it, then grant again");
        }

        await console.Out.WriteLineAsync($"role.rbac.authorization.k8s.io/{role.Metadata.Name} {(existingRole is null ? "created" : "unchanged")}");
        var binding = SecretGrantObjects.RoleBinding(secret, operatorNamespace, serviceAccount);
        var existingBinding = await api.CreateRoleBindingAsync(binding, ns, ct);
        if (existingBinding is not null && !SecretGrantObjects.Binds(existingBinding, secret, operatorNamespace, serviceAccount))
        {
            throw new PluginException(
                $"rolebinding \"{binding.Metadata.Name}\" exists in namespace \"{ns}\" but does not bind role \"{role.Metadata.Name}\" to serviceaccount {operatorNamespace}:{serviceAccount}: delete it, then grant again");
        }

        await console.Out.WriteLineAsync($"rolebinding.rbac.authorization.k8s.io/{binding.Metadata.Name} {(existingBinding is null ? "created" : "unchanged")}");
        return ExitCodes.Ok;
    }
}
