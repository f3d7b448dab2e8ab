using AutoResearch.Harness.Yaml;

namespace AutoResearch.Harness;

/// <summary>Loads and validates agent role files (<c>agents/&lt;role&gt;.yaml</c>).</summary>
public static class AgentRoleLoader
{
    /// <summary>The proposer strategies known when the caller passes none: <c>gp</c>, <c>tpe</c>, <c>random</c>, <c>ablation</c>.</summary>
    public static readonly IReadOnlyCollection<string> DefaultStrategies = ["gp", "tpe", "random", "ablation"];

    private static readonly string[] RootKeys = ["name", "description", "proposer", "model", "weight", "settings", "budgets"];

    /// <summary>Loads the role file at <paramref name="path"/>, checking its proposer against <paramref name="knownStrategies"/>.</summary>
    /// <exception cref="SpecValidationException">The file is missing or invalid; every problem is listed.</exception>
    public static AgentRoleSpec Load(string path, IReadOnlyCollection<string>? knownStrategies = null)
    {
        var errors = new List<SpecError>();
        var role = Load(path, knownStrategies ?? DefaultStrategies, errors);
        return errors.Count > 0 || role is null ? throw new SpecValidationException(errors) : role;
    }

    /// <summary>Loads a role file, adding its errors to <paramref name="sink"/>; null when it has errors.</summary>
    internal static AgentRoleSpec? Load(string path, IReadOnlyCollection<string> knownStrategies, List<SpecError> sink)
    {
        var file = Path.GetFullPath(path);
        var errors = new SpecErrorList(file, sink);
        var root = SpecFile.OpenRoot(errors, RootKeys);
        if (root is null)
        {
            return null;
        }

        var name = root.String("name", required: true, SpecPatterns.Slug(), SpecPatterns.SlugHint);
        var description = root.String("description", required: false);
        var proposer = root.String("proposer", required: true);
        if (proposer is not null && !knownStrategies.Contains(proposer, StringComparer.Ordinal))
        {
            root.Error("proposer", $"unknown strategy '{proposer}'{Suggest.Hint(proposer, knownStrategies)}; known: {string.Join(", ", knownStrategies)}");
        }

        var model = root.String("model", required: false);
        var settings = AgentSettings.ReadSettings(root, "settings", allowNull: false);
        var budgets = AgentSettings.ReadBudgets(root) ?? [];
        var weight = AgentSettings.ReadWeight(root);
        if (errors.Count > 0)
        {
            return null;
        }

        return new AgentRoleSpec
        {
            Name = name!,
            Description = description ?? "",
            Proposer = proposer!,
            Model = model,
            Settings = settings?.ToDictionary(kv => kv.Key, kv => kv.Value!, StringComparer.Ordinal) ?? new(StringComparer.Ordinal),
            TokenBudget = (long)budgets.GetValueOrDefault("tokens"),
            GpuBudgetSeconds = budgets.GetValueOrDefault("gpu_seconds"),
            CpuBudgetSeconds = budgets.GetValueOrDefault("cpu_seconds"),
            Weight = weight ?? 1,
            SourceFile = file,
        };
    }
}
