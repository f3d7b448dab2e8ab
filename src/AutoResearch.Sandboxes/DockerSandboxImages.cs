using AutoResearch.Abstractions.Ports;
using Docker.DotNet;
using Microsoft.Extensions.Options;

namespace AutoResearch.Sandboxes;

/// <summary>Asks the Docker host the runner uses (<see cref="SandboxOptions.DockerEndpoint"/>) whether it has an image.</summary>
public sealed class DockerSandboxImages : ISandboxImages, IDisposable
{
    private readonly DockerConnection _connection;
    private readonly DockerClientConfiguration _configuration;
    private readonly DockerClient _docker;

    public DockerSandboxImages(IOptions<SandboxOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _connection = DockerConnection.Resolve(options.Value);
        _configuration = _connection.CreateConfiguration();
        _docker = _configuration.CreateClient();
    }

    /// <inheritdoc />
    public async Task<bool> ExistsAsync(string image, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(image);
        try
        {
            await _docker.Images.InspectImageAsync(image, cancellationToken);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
        catch (DockerApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (Exception ex) when (ex is DockerApiException or HttpRequestException or IOException or TimeoutException || DockerConnection.IsTlsFailure(ex))
        {
            throw new InvalidOperationException($"cannot ask the Docker host ({_connection.Endpoint}) about image '{image}': {_connection.Describe(ex)}", ex);
        }
    }

    public void Dispose()
    {
        _docker.Dispose();
        _configuration.Dispose();
    }
}
