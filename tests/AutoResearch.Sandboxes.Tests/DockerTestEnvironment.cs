using Docker.DotNet;

namespace AutoResearch.Sandboxes.Tests;

/// <summary>Whether real-container tests can run here, and with which image (<c>AUTORESEARCH_TEST_IMAGE</c> overrides).</summary>
internal static class DockerTestEnvironment
{
    public const string DefaultImage = "autoresearch/base:latest";

    private static readonly Lazy<string?> SkipReasonValue = new(ComputeSkipReason);

    public static string Image =>
        Environment.GetEnvironmentVariable("AUTORESEARCH_TEST_IMAGE") is { Length: > 0 } image ? image : DefaultImage;

    public static string Endpoint =>
        Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : "unix:///var/run/docker.sock";

    /// <summary>Null when Docker answers and the test image is present; else why the tests are skipped.</summary>
    public static string? SkipReason => SkipReasonValue.Value;

    public static DockerClient CreateClient() => new DockerClientConfiguration(new Uri(Endpoint)).CreateClient();

    private static string? ComputeSkipReason()
    {
        try
        {
            using var client = CreateClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            client.System.PingAsync(timeout.Token).GetAwaiter().GetResult();
            try
            {
                client.Images.InspectImageAsync(Image, timeout.Token).GetAwaiter().GetResult();
            }
            catch (DockerApiException)
            {
                return $"test image {Image} is not on the Docker host (build it, or set AUTORESEARCH_TEST_IMAGE)";
            }

            return null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return $"Docker is not reachable at {Endpoint}: {ex.Message}";
        }
    }
}
