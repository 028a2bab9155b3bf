using System.Net;
using System.Net.Sockets;

namespace Dynamo.Bench.Infrastructure;

/// <summary>
/// Hands out free loopback TCP ports (asks the kernel for an ephemeral port, then releases it).
/// A port is never handed out twice in one run. A race with another program grabbing the port
/// in between is possible but rare; the system then fails to start and is marked unavailable.
/// </summary>
public static class PortAllocator
{
    private static readonly HashSet<int> Given = [];
    private static readonly Lock Gate = new();

    public static int Next()
    {
        lock (Gate)
        {
            for (var attempt = 0; attempt < 50; attempt++)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                if (Given.Add(port))
                {
                    return port;
                }
            }

            throw new InvalidOperationException("no free loopback port found");
        }
    }

    /// <summary>True when something already listens on 127.0.0.1:port.</summary>
    public static bool InUse(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }
}
