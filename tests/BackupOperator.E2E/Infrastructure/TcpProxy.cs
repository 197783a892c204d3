using System.Net;
using System.Net.Sockets;

namespace BackupOperator.E2E.Infrastructure;

/// <summary>
/// A loopback TCP forwarder that can cut a client off from its server the way a network partition
/// does: <see cref="Partition"/> stops moving bytes in both directions while every connection stays
/// open, so the client sees hangs, never resets; connections opened meanwhile are accepted and hear
/// nothing. Bytes read during the partition are held, not lost, and delivered on <see cref="Heal"/>,
/// as TCP's retransmissions would after a real partition heals (so a request the client gave up on
/// may still reach the server late). Plain TCP: TLS passes through untouched.
/// </summary>
internal sealed class TcpProxy : IAsyncDisposable
{
    private const int BufferSize = 16 * 1024;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private readonly HashSet<Socket> _sockets = [];
    private readonly List<Task> _connections = [];
    private TaskCompletionSource _open = Opened();
    private Task _accepting = Task.CompletedTask;
    private int _accepted;

    private TcpProxy(int targetPort) => _target = new IPEndPoint(IPAddress.Loopback, targetPort);

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public bool IsPartitioned { get; private set; }

    /// <summary>Connections accepted so far, including blackholed ones.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    public static TcpProxy Start(int targetPort)
    {
        var proxy = new TcpProxy(targetPort);
        proxy._listener.Start();
        proxy._accepting = proxy.AcceptAsync();
        return proxy;
    }

    public void Partition()
    {
        lock (_gate)
        {
            if (!IsPartitioned)
            {
                IsPartitioned = true;
                _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    public void Heal()
    {
        TaskCompletionSource open;
        lock (_gate)
        {
            IsPartitioned = false;
            open = _open;
        }

        open.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Task[] running;
        lock (_gate)
        {
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }

            running = [_accepting, .. _connections];
        }

        Heal();
        await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    /// <summary>Completes at once unless partitioned; then at the heal (or when the proxy stops).</summary>
    private Task OpenAsync()
    {
        lock (_gate)
        {
            return _open.Task.WaitAsync(_stop.Token);
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _accepted);
            lock (_gate)
            {
                if (_stop.IsCancellationRequested)
                {
                    client.Dispose();
                    return;
                }

                _sockets.Add(client);
                _connections.RemoveAll(c => c.IsCompleted);
                _connections.Add(ServeAsync(client));
            }
        }
    }

    private async Task ServeAsync(Socket client)
    {
        await Task.Yield(); // off the accept loop (and out of its lock)
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        lock (_gate)
        {
            _sockets.Add(server);
        }

        try
        {
            // Opened during a partition: accepted, but the server hears of it only after the heal.
            await OpenAsync();
            await server.ConnectAsync(_target, _stop.Token);
            await Task.WhenAll(PumpAsync(client, server), PumpAsync(server, client));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // the server went away or the proxy stops: the client learns it below, once the link is up
        }
        finally
        {
            await CloseAsync(client, server);
        }
    }

    /// <summary>Moves bytes one way; an end of stream is passed on as a half close.</summary>
    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[BufferSize];
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                await OpenAsync();
                if (n == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // A reset on one side closes both, but only once the link is up: a partition never resets.
            await CloseAsync(from, to);
        }
    }

    private async Task CloseAsync(Socket a, Socket b)
    {
        try
        {
            await OpenAsync();
        }
        catch (OperationCanceledException)
        {
            // stopping: close now
        }

        lock (_gate)
        {
            _sockets.Remove(a);
            _sockets.Remove(b);
        }

        a.Dispose();
        b.Dispose();
    }
}
