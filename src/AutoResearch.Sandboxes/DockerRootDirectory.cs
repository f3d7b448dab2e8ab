using Docker.DotNet;

namespace AutoResearch.Sandboxes;

/// <summary>Docker's root directory (<c>DockerRootDir</c> of <c>docker info</c>), where images, containers and volumes live.</summary>
public static class DockerRootDirectory
{
    /// <summary>
    /// The daemon's root directory when it can be asked and the folder is visible on this host (a remote daemon's path
    /// is not); null otherwise.
    /// </summary>
    public static Task<string?> TryResolveAsync(string dockerEndpoint, CancellationToken cancellationToken) =>
        TryResolveAsync(new SandboxOptions { DockerEndpoint = dockerEndpoint, AllowUnauthenticatedDockerTcp = true }, cancellationToken);

    /// <summary>The root directory of the daemon <paramref name="options"/> connect to (TLS included), or null.</summary>
    public static async Task<string?> TryResolveAsync(SandboxOptions options, CancellationToken cancellationToken)
    {
        try
        {
            using var configuration = DockerConnection.Resolve(options).CreateConfiguration();
            using var docker = configuration.CreateClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            var info = await docker.System.GetSystemInfoAsync(timeout.Token);
            return info.DockerRootDir is { Length: > 0 } root && Directory.Exists(root) ? root : null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
