using System.Net;
using System.Net.Sockets;

namespace BackupOperator.E2E.Infrastructure;

/// <summary>
/// A loopback TCP forwarder that can make its server unreachable the way a stopped server is:
/// <see cref="Close"/> stops listening (a new connection is refused, so a client knows nothing was
/// sent) and closes every open connection; <see cref="Open"/> listens again on the same port. Unlike
/// <see cref="TcpProxy"/>'s partition, nothing is held back to arrive late: a request refused while
/// closed never reaches the server.
/// </summary>
internal sealed class GateProxy : IAsyncDisposable
{
    private const int BufferSize = 16 * 1024;
    private readonly IPEndPoint _target;
    private readonly object _gate = new();
    private readonly HashSet<Socket> _sockets = [];
    private readonly List<Task> _running = [];
    private TcpListener? _listener;
    private CancellationTokenSource _stop = new();
    private int _accepted;

    private GateProxy(int targetPort, int port)
    {
        _target = new IPEndPoint(IPAddress.Loopback, targetPort);
        Port = port;
    }

    public int Port { get; private set; }

    public bool IsOpen { get; private set; }

    /// <summary>Connections accepted so far (every open period).</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>The base URL of <paramref name="target"/> ("http://127.0.0.1:port") reached through this proxy.</summary>
    public string Url(string target) => new UriBuilder(target) { Port = Port }.Uri.ToString().TrimEnd('/');

    public static GateProxy Start(int targetPort)
    {
        var proxy = new GateProxy(targetPort, 0);
        proxy.Open();
        return proxy;
    }

    /// <summary>For a URL such as a simulator's ("http://127.0.0.1:port").</summary>
    public static GateProxy Start(string targetUrl) => Start(new Uri(targetUrl).Port);

    /// <summary>Listens (again, on the same port).</summary>
    public void Open()
    {
        lock (_gate)
        {
            if (IsOpen)
            {
                return;
            }

            var listener = new TcpListener(IPAddress.Loopback, Port);
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start();
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
            _listener = listener;
            _stop = new CancellationTokenSource();
            IsOpen = true;
            _running.Add(AcceptAsync(listener, _stop.Token));
        }
    }

    /// <summary>Refuses new connections and closes the open ones.</summary>
    public void Close()
    {
        lock (_gate)
        {
            if (!IsOpen)
            {
                return;
            }

            IsOpen = false;
            _stop.Cancel();
            _listener!.Stop();
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }

            _sockets.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Close();
        Task[] running;
        lock (_gate)
        {
            running = [.. _running];
        }

        await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(stop);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _accepted);
            lock (_gate)
            {
                if (stop.IsCancellationRequested)
                {
                    client.Dispose();
                    return;
                }

                _sockets.Add(client);
                _running.RemoveAll(t => t.IsCompleted);
                _running.Add(ServeAsync(client, stop));
            }
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken stop)
    {
        await Task.Yield();
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        lock (_gate)
        {
            _sockets.Add(server);
        }

        try
        {
            await server.ConnectAsync(_target, stop);
            await Task.WhenAll(PumpAsync(client, server, stop), PumpAsync(server, client, stop));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // closed, or the server went away
        }
        finally
        {
            lock (_gate)
            {
                _sockets.Remove(client);
                _sockets.Remove(server);
            }

            client.Dispose();
            server.Dispose();
        }
    }

    private static async Task PumpAsync(Socket from, Socket to, CancellationToken stop)
    {
        var buffer = new byte[BufferSize];
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, SocketFlags.None, stop);
                if (n == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, stop);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            from.Dispose();
            to.Dispose();
        }
    }
}
