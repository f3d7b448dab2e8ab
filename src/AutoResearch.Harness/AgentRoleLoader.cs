using AutoResearch.Abstractions.Specs;
using AutoResearch.Harness.Yaml;

namespace AutoResearch.Harness;

/// <summary>Loads and validates agent role files (<c>agents/&lt;role&gt;.yaml</c>).</summary>
public static class AgentRoleLoader
{
    /// <summary>The proposer strategies known when the caller passes none: <c>gp</c>, <c>tpe</c>, <c>random</c>, <c>ablation</c>, <c>llm</c>.</summary>
    public static readonly IReadOnlyCollection<string> DefaultStrategies = ["gp", "tpe", "random", "ablation", "cmaes", "portfolio", ModelStrategy];

    /// <summary>The strategy of agents driven by a language model; they need <c>model</c> (an endpoint name).</summary>
    public const string ModelStrategy = AgentSpec.ModelProposer;

    private static readonly string[] RootKeys = ["name", "description", "proposer", "model", "failover", "weight", "settings", "budgets"];

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

        var model = root.String("model", required: false, SpecPatterns.EndpointName(), SpecPatterns.EndpointNameHint);
        var failover = ReadFailover(root);
        if (proposer == ModelStrategy && model is null)
        {
            root.Error("model", $"is required for proposer '{ModelStrategy}': the name of a configured model endpoint (AutoResearch:Models:Endpoints), e.g. model: local-qwen");
        }
        else if (proposer is not null && proposer != ModelStrategy && (model is not null || failover.Count > 0))
        {
            root.Error(model is not null ? "model" : "failover", $"only agents with proposer '{ModelStrategy}' use models; proposer '{proposer}' is a built-in optimizer (set model: null)");
        }
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
            Failover = failover,
            Settings = settings?.ToDictionary(kv => kv.Key, kv => kv.Value!, StringComparer.Ordinal) ?? new(StringComparer.Ordinal),
            TokenBudget = (long)budgets.GetValueOrDefault("tokens"),
            GpuBudgetSeconds = budgets.GetValueOrDefault("gpu_seconds"),
            CpuBudgetSeconds = budgets.GetValueOrDefault("cpu_seconds"),
            Weight = weight ?? 1,
            SourceFile = file,
        };
    }

    /// <summary><c>failover: [endpoint, ...]</c>: model endpoint names, distinct; empty when absent.</summary>
    internal static List<string> ReadFailover(MapReader map)
    {
        var items = map.ScalarList("failover", required: false, nonEmpty: false);
        var result = new List<string>();
        foreach (var ((value, _), i) in (items ?? []).Select((item, i) => (item, i)))
        {
            var name = value.Trim();
            if (!SpecPatterns.EndpointName().IsMatch(name))
                map.Error($"failover[{i}]", $"'{name}' is not an endpoint name ({SpecPatterns.EndpointNameHint})");
            else if (result.Contains(name, StringComparer.Ordinal))
                map.Error($"failover[{i}]", $"'{name}' is listed twice");
            else
                result.Add(name);
        }
        return result;
    }
}
