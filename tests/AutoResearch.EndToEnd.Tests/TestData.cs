using AutoResearch.Abstractions;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Host.Hosting;
using AutoResearch.Ledger;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.DependencyInjection;

namespace AutoResearch.EndToEnd.Tests;

/// <summary>A scratch data directory, with read access to the ledger the CLI writes there and to the containers it owns.</summary>
public sealed class TestData : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public TestData()
    {
        Directory = Path.Combine(Path.GetTempPath(), "ar-e2e-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(Directory);
        var options = new AutoResearchOptions { DataDirectory = Directory };
        Owner = options.Owner;
        SqlitePath = options.SqlitePath;
        _services = new ServiceCollection()
            .AddLogging()
            .AddLedger(o => o.ConnectionString = $"Data Source={SqlitePath}")
            .BuildServiceProvider();
    }

    public string Directory { get; }
    public string Owner { get; }

    /// <summary>The ledger file the CLI uses for this data directory (<see cref="AutoResearchOptions.SqlitePath"/>).</summary>
    public string SqlitePath { get; }
    public ILedger Ledger => _services.GetRequiredService<ILedger>();
    public IJournal Journal => _services.GetRequiredService<IJournal>();
    public bool HasDatabase => File.Exists(SqlitePath);

    /// <summary>Containers (running or not) labelled as created by this data directory's installation.</summary>
    public async Task<IList<ContainerListResponse>> ContainersAsync()
    {
        using var docker = new DockerClientConfiguration(new Uri("unix:///var/run/docker.sock")).CreateClient();
        return await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{Names.OwnerLabel}={Owner}"] = true },
            },
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
