namespace AutoResearch.Abstractions.Ports;

/// <summary>The images the sandbox host has: a run never pulls, so an image it lacks fails every experiment.</summary>
public interface ISandboxImages
{
    /// <summary>Whether <paramref name="image"/> (a reference such as <c>autoresearch/python:latest</c>) is on the sandbox host.</summary>
    /// <exception cref="InvalidOperationException">The sandbox host could not be asked (e.g. Docker is not reachable); the message says why.</exception>
    Task<bool> ExistsAsync(string image, CancellationToken cancellationToken);
}
