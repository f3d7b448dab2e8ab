using AutoResearch.Abstractions.Specs;
using AutoResearch.Harness;
using AutoResearch.Models;
using Microsoft.Extensions.Options;

namespace AutoResearch.Web.Campaigns;

/// <summary>
/// What a new campaign can be made of: the benchmarks of the benchmarks folder, the agent roles of the agents folder and
/// the names of the configured model endpoints (never their keys). Read from disk on every call, so new files show at once.
/// </summary>
public sealed class CampaignCatalog(IOptions<ConsoleOptions> options, IOptions<ModelOptions> models)
{
    public string? BenchmarksDirectory { get; } = options.Value.BenchmarksDirectory is { Length: > 0 } b
        ? Path.GetFullPath(b)
        : FindAbove(Path.Combine("sandboxes", "benchmarks"));

    public string? AgentsDirectory { get; } = options.Value.AgentsDirectory is { Length: > 0 } a
        ? Path.GetFullPath(a)
        : FindAbove("agents");

    public IReadOnlyList<CatalogBenchmark> Benchmarks()
    {
        if (BenchmarksDirectory is null || !Directory.Exists(BenchmarksDirectory)) return [];
        var list = new List<CatalogBenchmark>();
        foreach (var folder in Directory.EnumerateDirectories(BenchmarksDirectory).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(folder);
            if (!File.Exists(BenchmarkLoader.ResolveFile(folder))) continue;
            try
            {
                var spec = BenchmarkLoader.Load(folder);
                list.Add(new CatalogBenchmark(name, folder, Describe(folder, spec.Description), spec.Metric.Name, spec.Metric.Direction.ToString().ToLowerInvariant(),
                    spec.TimeLimit.TotalSeconds, spec.Parameters.Count, spec.Editable, spec.Image, spec.Resources.Gpus, null));
            }
            catch (SpecValidationException ex)
            {
                list.Add(new CatalogBenchmark(name, folder, null, null, null, null, 0, [], null, 0, ex.Message));
            }
        }
        return list;
    }

    public IReadOnlyList<CatalogRole> Roles()
    {
        if (AgentsDirectory is null || !Directory.Exists(AgentsDirectory)) return [];
        var list = new List<CatalogRole>();
        foreach (var file in Directory.EnumerateFiles(AgentsDirectory, "*.yaml").Order(StringComparer.Ordinal))
        {
            try
            {
                var role = AgentRoleLoader.Load(file);
                list.Add(new CatalogRole(Path.GetFileNameWithoutExtension(file), role.Description, role.Proposer, role.Model, role.Failover,
                    role.TokenBudget, role.CpuBudgetSeconds, role.GpuBudgetSeconds, role.Proposer == AgentSpec.ModelProposer));
            }
            catch (SpecValidationException)
            {
                // A broken role file is reported when a campaign names it.
            }
        }
        return list;
    }

    /// <summary>Names of the configured model endpoints.</summary>
    public IReadOnlyList<string> ModelEndpoints() => [.. models.Value.Endpoints.Keys.Order(StringComparer.Ordinal)];

    /// <summary>A benchmark's description, or the first line of its task file (<c>program.md</c>) when it names one.</summary>
    private static string? Describe(string folder, string? description)
    {
        if (description is null || !description.EndsWith(".md", StringComparison.OrdinalIgnoreCase)) return description;
        var file = Path.Combine(folder, description);
        return File.Exists(file) ? File.ReadLines(file).Select(l => l.Trim().TrimStart('#').Trim()).FirstOrDefault(l => l.Length > 0) : null;
    }

    private static string? FindAbove(string relative)
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relative);
                if (Directory.Exists(candidate)) return candidate;
            }
        }
        return null;
    }
}
