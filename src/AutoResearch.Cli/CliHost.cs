using AutoResearch.Host.Hosting;
using Microsoft.Extensions.Hosting;
using Serilog.Events;

namespace AutoResearch.Cli;

/// <summary>Builds the embedded host the CLI commands run on.</summary>
public static class CliHost
{
    /// <summary>Everything: silo, sandboxes, proposers, ledger, reports.</summary>
    public static IHost BuildRuntime(string? dataDirectory)
    {
        var builder = CreateBuilder(dataDirectory);
        var options = builder.AddAutoResearchOptions();
        builder.AddAutoResearchLogging(options, LogEventLevel.Warning);
        builder.AddAutoResearchStorage(options);
        builder.AddAutoResearchRuntime(options);
        return builder.Build();
    }

    /// <summary>Only the Docker sandbox runner and image check: <c>validate</c> runs one baseline, records nothing.</summary>
    public static IHost BuildSandboxes(string? dataDirectory)
    {
        var builder = CreateBuilder(dataDirectory);
        var options = builder.AddAutoResearchOptions();
        builder.AddAutoResearchLogging(options, LogEventLevel.Warning);
        builder.AddAutoResearchSandboxes(options);
        return builder.Build();
    }

    /// <summary>Only ledger and reports: reading and reporting without running anything.</summary>
    public static IHost BuildStorageOnly(string? dataDirectory)
    {
        var builder = CreateBuilder(dataDirectory);
        var options = builder.AddAutoResearchOptions();
        builder.AddAutoResearchLogging(options, LogEventLevel.Warning);
        builder.AddAutoResearchStorage(options);
        return builder.Build();
    }

    private static HostApplicationBuilder CreateBuilder(string? dataDirectory)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = Environment.CurrentDirectory,
        });
        if (!string.IsNullOrWhiteSpace(dataDirectory))
            builder.Configuration[$"{AutoResearchOptions.Section}:DataDirectory"] = dataDirectory;
        return builder;
    }
}
