using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace BackupOperator.E2E.Infrastructure;

/// <summary>
/// A process a test started: output kept in a file, stopped by its own pid when disposed, and also
/// when this process gets SIGTERM or exits without disposing it (a run killed by a timeout or by hand
/// must not leave etcd, kube-apiserver or an operator running).
/// </summary>
internal sealed partial class ChildProcess : IDisposable
{
    // Signals and exit are the whole process's, so the children not disposed yet are too.
    private static readonly ConcurrentDictionary<int, ChildProcess> Running = new();

    // Made at the first start and kept referenced (a collected registration is undone). Since .NET 10 a
    // SIGTERM ends the process at once without ProcessExit, so the signal needs its own handler; it does
    // not cancel, so the process still ends right after it. ProcessExit covers an exit with children left.
    private static readonly Lazy<PosixSignalRegistration> StopAllOnSigterm = new(() =>
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll();
        return PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => StopAll());
    });

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly object _gate = new();

    private ChildProcess(Process process, string logPath)
    {
        _process = process;
        LogPath = logPath;
        _log = new StreamWriter(logPath, append: true, Encoding.UTF8) { AutoFlush = true };
    }

    public string LogPath { get; }
    public int Pid { get; private set; }
    public bool HasExited => _process.HasExited;

    public static ChildProcess Start(string file, IEnumerable<string> args, string logPath, IDictionary<string, string?>? env = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (k, v) in env ?? new Dictionary<string, string?>())
        {
            info.Environment[k] = v;
        }

        var process = new Process { StartInfo = info };
        var child = new ChildProcess(process, logPath);
        process.OutputDataReceived += (_, e) => child.Write(e.Data);
        process.ErrorDataReceived += (_, e) => child.Write(e.Data);
        _ = StopAllOnSigterm.Value;
        process.Start();
        child.Pid = process.Id;
        Running[child.Pid] = child;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    public string ReadLog()
    {
        lock (_gate)
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
    }

    /// <summary>SIGKILL: the process gets no chance to clean up, like a node or OOM kill.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    /// <summary>SIGTERM, as Kubernetes sends on a rolling update; waits for the exit.</summary>
    public bool Terminate(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return true;
        }

        _ = SysKill(_process.Id, 15);
        return _process.WaitForExit(timeout);
    }

    public void Dispose()
    {
        Running.TryRemove(new KeyValuePair<int, ChildProcess>(Pid, this));
        Kill();
        _process.Dispose();
        lock (_gate)
        {
            _log.Dispose();
        }
    }

    private void Write(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _log.WriteLine(line);
        }
    }

    private static void StopAll()
    {
        foreach (var child in Running.Values)
        {
            try
            {
                // Through the Process, not a bare kill(pid): it knows whether its pid was reaped and could be reused.
                child._process.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is InvalidOperationException or Win32Exception)
            {
                // exited, or disposed by a test meanwhile
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int SysKill(int pid, int signal);
}
