using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;

namespace AutoResearch.Host.Hosting;

/// <summary>
/// Runs before the silo starts: fails the start, naming the port and its setting, when another process already listens on
/// the configured silo or gateway port (a second silo on the same machine would otherwise start and never join).
/// Checks in <see cref="StartingAsync"/>, which the host runs for every service before any <c>StartAsync</c>: Orleans puts
/// its silo's hosted service first, so a plain <c>StartAsync</c> would run after the silo had opened its ports.
/// </summary>
public sealed class SiloPortCheck(int siloPort, int gatewayPort) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        EnsureFree(siloPort, $"{AutoResearchOptions.Section}:SiloPort");
        EnsureFree(gatewayPort, $"{AutoResearchOptions.Section}:GatewayPort");
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Throws <see cref="PortInUseException"/> when <paramref name="port"/> cannot be bound on every interface.</summary>
    public static void EnsureFree(int port, string setting)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Any, port));
            socket.Listen();
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            throw new PortInUseException(port, setting, e);
        }
    }
}

/// <summary>A configured port another process holds (or this user may not bind).</summary>
public sealed class PortInUseException(int port, string setting, SocketException inner) : Exception(
    $"Port {port} ({setting}) is already in use on this machine ({inner.SocketErrorCode}): another silo or program listens on it. " +
    $"Stop it or give this silo another port (environment variable {setting.Replace(":", "__", StringComparison.Ordinal)}).", inner)
{
    public int Port { get; } = port;
    public string Setting { get; } = setting;
}
