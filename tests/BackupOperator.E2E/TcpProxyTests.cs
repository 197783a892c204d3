using System.Net;
using System.Net.Sockets;
using BackupOperator.E2E.Infrastructure;

namespace BackupOperator.E2E;

/// <summary>The partition proxy on its own, against a loopback echo server: hangs, never resets; heals; stops clean.</summary>
public sealed class TcpProxyTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(400);

    [Fact]
    public async Task A_partition_hangs_both_directions_and_new_connections_and_the_heal_delivers_what_was_held()
    {
        var ct = TestTimeout.Token(1);
        using var echo = new TcpListener(IPAddress.Loopback, 0);
        echo.Start();
        var echoing = EchoAsync(echo, ct);
        var proxy = TcpProxy.Start(((IPEndPoint)echo.LocalEndpoint).Port);
        try
        {
            using var before = await ConnectAsync(proxy.Port, ct);
            Assert.Equal("one", await RoundTripAsync(before, "one", ct));

            proxy.Partition();
            using var during = await ConnectAsync(proxy.Port, ct); // accepted, then silence
            await before.SendAsync("two"u8.ToArray(), ct);
            await during.SendAsync("three"u8.ToArray(), ct);
            var heldBefore = ReceiveAsync(before, 3, ct);
            var heldDuring = ReceiveAsync(during, 5, ct);
            await Task.Delay(Quiet, ct);
            Assert.False(heldBefore.IsCompleted, "bytes crossed a partition");
            Assert.False(heldDuring.IsCompleted, "a connection opened during the partition was answered");
            Assert.True(before.Connected && during.Connected);

            proxy.Heal();
            Assert.Equal("two", await heldBefore.WaitAsync(TimeSpan.FromSeconds(10), ct));
            Assert.Equal("three", await heldDuring.WaitAsync(TimeSpan.FromSeconds(10), ct));
            Assert.Equal("four", await RoundTripAsync(during, "four", ct));
            Assert.Equal(2, proxy.Accepted);
        }
        finally
        {
            await proxy.DisposeAsync();
        }

        // Stopped: the port is closed and no connection is left behind.
        await Assert.ThrowsAnyAsync<SocketException>(async () => (await ConnectAsync(proxy.Port, ct)).Dispose());
        echo.Stop();
        await echoing;
    }

    private static async Task<Socket> ConnectAsync(int port, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), ct);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<string> RoundTripAsync(Socket socket, string text, CancellationToken ct)
    {
        await socket.SendAsync(System.Text.Encoding.ASCII.GetBytes(text), ct);
        return await ReceiveAsync(socket, text.Length, ct).WaitAsync(TimeSpan.FromSeconds(10), ct);
    }

    private static async Task<string> ReceiveAsync(Socket socket, int length, CancellationToken ct)
    {
        var buffer = new byte[length];
        var read = 0;
        while (read < length)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), ct);
            if (n == 0)
            {
                throw new SocketException((int)SocketError.ConnectionReset);
            }

            read += n;
        }

        return System.Text.Encoding.ASCII.GetString(buffer);
    }

    /// <summary>Echoes every connection until the listener stops; each connection closed with it.</summary>
    private static async Task EchoAsync(TcpListener listener, CancellationToken ct)
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var socket = await listener.AcceptSocketAsync(ct);
                connections.Add(Task.Run(async () =>
                {
                    using (socket)
                    {
                        var buffer = new byte[1024];
                        int n;
                        while ((n = await socket.ReceiveAsync(buffer, ct)) > 0)
                        {
                            await socket.SendAsync(buffer.AsMemory(0, n), ct);
                        }
                    }
                }, ct).ContinueWith(_ => { }, TaskScheduler.Default));
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // listener stopped
        }

        await Task.WhenAll(connections);
    }
}
