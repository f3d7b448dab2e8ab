using AutoResearch.Abstractions.Specs;
using AutoResearch.Harness.Yaml;

namespace AutoResearch.Harness;

/// <summary>
/// Loads and validates a <c>campaign.yaml</c> into a <see cref="CampaignSpec"/>, loading the benchmark and the agent
/// role files it references. Errors from all of these files are collected and thrown together, each naming its own file.
/// </summary>
public static class CampaignLoader
{
    /// <summary>The folder name looked for (walking up from the campaign file) when <c>agents_dir</c> is not given.</summary>
    public const string AgentsFolderName = "agents";

    private static readonly string[] RootKeys =
        ["name", "goal", "benchmark", "agents_dir", "max_experiments", "duration", "target", "slots", "weight", "budget", "noise", "reports", "agents", "min_improvement", "parameters", "holdout", "allocation", "approval"];

    private static readonly string[] AgentKeys = ["id", "role", "seed", "weight", "model", "failover", "settings", "budgets"];

    private static readonly string[] NoiseKeys = ["baseline_runs", "confirmation_runs", "sigmas", "prefer_better_mean"];

    private static readonly string[] HoldoutKeys = ["top_k", "on_new_best"];

    private static readonly string[] ApprovalKeys = ["gpus_over", "gpu_hours_over", "cpu_hours_over"];

    private static readonly string[] ReportKeys = ["at", "time_zone"];

    /// <summary>
    /// Loads the campaign file at <paramref name="path"/>. Role proposers are checked against
    /// <paramref name="knownStrategies"/> (default <see cref="AgentRoleLoader.DefaultStrategies"/>).
    /// </summary>
    /// <exception cref="SpecValidationException">The campaign, its benchmark or a role file is invalid; every problem is listed.</exception>
    public static CampaignSpec Load(string path, IReadOnlyCollection<string>? knownStrategies = null)
    {
        var sink = new List<SpecError>();
        var spec = Load(path, knownStrategies ?? AgentRoleLoader.DefaultStrategies, sink);
        return sink.Count > 0 || spec is null ? throw new SpecValidationException(sink) : spec;
    }

    private static CampaignSpec? Load(string path, IReadOnlyCollection<string> strategies, List<SpecError> sink)
    {
        var file = Path.GetFullPath(path);
        var errors = new SpecErrorList(file, sink);
        var root = SpecFile.OpenRoot(errors, RootKeys);
        if (root is null)
        {
            return null;
        }

        var folder = Path.GetDirectoryName(file)!;
        var name = root.String("name", required: true, SpecPatterns.Slug(), SpecPatterns.SlugHint);
        var goal = root.String("goal", required: false) ?? "";
        var maxExperiments = root.Integer("max_experiments", required: true);
        if (maxExperiments is <= 0 or > int.MaxValue)
        {
            root.Error("max_experiments", $"must be from 1 to {int.MaxValue}, not {maxExperiments}");
        }

        var duration = root.Duration("duration", required: true);
        var target = root.Number("target", required: false);
        var slots = root.Integer("slots", required: false);
        if (slots is < 0 or > int.MaxValue)
        {
            root.Error("slots", $"must be 0 (all the fleet has) or more, not {slots}");
        }

        var weight = AgentSettings.ReadWeight(root);
        var budget = AgentSettings.ReadBudgets(root, "budget") ?? [];
        var noise = ReadNoise(root);
        var minImprovement = ReadMinImprovement(root);
        var reports = ReadReports(root);
        var holdout = ReadHoldout(root);
        var allocation = ReadAllocation(root);
        var approval = ReadApproval(root);
        var benchmark = ReadBenchmark(root, folder, sink);
        if (benchmark is not null && root.Has("parameters"))
        {
            benchmark = CampaignParameters.Apply(root, benchmark) ?? benchmark;
        }

        var agentsDir = ReadAgentsDir(root, folder);
        var agents = ReadAgents(root, agentsDir, strategies, sink);

        if (sink.Count > 0)
        {
            return null;
        }

        return new CampaignSpec
        {
            Name = name!,
            Goal = goal,
            Benchmark = benchmark!,
            Agents = agents!,
            MaxExperiments = (int)maxExperiments!.Value,
            Duration = duration!.Value,
            Target = target,
            Slots = (int)(slots ?? 0),
            SourceFile = file,
            Weight = weight ?? 1,
            Budget = new BudgetSpec
            {
                Tokens = (long)budget.GetValueOrDefault("tokens"),
                GpuSeconds = budget.GetValueOrDefault("gpu_seconds"),
                CpuSeconds = budget.GetValueOrDefault("cpu_seconds"),
            },
            Noise = (noise ?? new NoiseSpec()) with { MinImprovement = minImprovement },
            Reports = reports ?? new ReportSchedule(),
            Holdout = holdout ?? new HoldoutPolicy(),
            Allocation = allocation,
            Approval = approval ?? new ApprovalPolicy(),
        };
    }

    /// <summary>
    /// <c>approval: { gpus_over: 0, gpu_hours_over: 2, cpu_hours_over: 8 }</c>: experiments whose benchmark run uses more GPUs,
    /// or whose worst case (time limit × GPUs or CPUs) is over the GPU- or CPU-hours given, wait for a person's approval before
    /// they run; each key is optional, at least one must be given.
    /// </summary>
    private static ApprovalPolicy? ReadApproval(MapReader root)
    {
        if (!root.Has("approval"))
        {
            return null;
        }

        if (root.Raw("approval") is YScalar scalar)
        {
            root.Error("approval", $"must be a mapping with one or more of {string.Join(", ", ApprovalKeys)} (e.g. approval: {{ gpus_over: 0 }}), not '{scalar.Value}'");
            return null;
        }

        var map = root.Map("approval", required: false, ApprovalKeys);
        if (map is null)
        {
            return null;
        }

        var gpus = map.Integer("gpus_over", required: false);
        if (gpus is < 0 or > 1024)
        {
            map.Error("gpus_over", $"must be a whole number of GPUs from 0 (every GPU run waits) to 1024, not {gpus}");
        }

        var gpuHours = map.Number("gpu_hours_over", required: false);
        if (gpuHours is { } gh && (gh < 0 || !double.IsFinite(gh)))
        {
            map.Error("gpu_hours_over", $"must be 0 or more GPU-hours, not {gh}");
        }

        var cpuHours = map.Number("cpu_hours_over", required: false);
        if (cpuHours is { } ch && (ch < 0 || !double.IsFinite(ch)))
        {
            map.Error("cpu_hours_over", $"must be 0 or more CPU-hours, not {ch}");
        }

        if (gpus is null && gpuHours is null && cpuHours is null)
        {
            root.Error("approval", $"give at least one of {string.Join(", ", ApprovalKeys)} (e.g. approval: {{ gpus_over: 0 }})");
            return null;
        }

        return new ApprovalPolicy
        {
            GpusOver = gpus is { } g ? (int)Math.Clamp(g, 0, 1024) : null,
            GpuHoursOver = gpuHours,
            CpuHoursOver = cpuHours,
        };
    }

    /// <summary><c>allocation: fair</c> (the default: first come) or <c>allocation: gain</c> (more turns to agents with better gain per cost).</summary>
    private static AllocationPolicy ReadAllocation(MapReader root)
    {
        var value = root.String("allocation", required: false);
        switch (value?.Trim().ToLowerInvariant())
        {
            case null or "fair":
                return AllocationPolicy.Fair;
            case "gain":
                return AllocationPolicy.Gain;
            default:
                root.Error("allocation", $"must be 'fair' (first come, the default) or 'gain' (more turns to agents with better gain per cost), not '{value}'");
                return AllocationPolicy.Fair;
        }
    }

    /// <summary>
    /// <c>holdout: off</c>, or <c>holdout: { top_k: 3, on_new_best: false }</c>: how many accepted results the campaign re-runs on
    /// the benchmark's held-out evaluation at the end (with the baseline), and whether each new best is re-validated at once.
    /// </summary>
    private static HoldoutPolicy? ReadHoldout(MapReader root)
    {
        if (!root.Has("holdout"))
        {
            return null;
        }

        if (root.Raw("holdout") is YScalar scalar)
        {
            if (string.Equals(scalar.Value, "off", StringComparison.OrdinalIgnoreCase) || string.Equals(scalar.Value, "false", StringComparison.OrdinalIgnoreCase))
            {
                return HoldoutPolicy.Off;
            }

            root.Error("holdout", $"must be 'off' or a mapping with {string.Join(", ", HoldoutKeys)}, not '{scalar.Value}'");
            return null;
        }

        var map = root.Map("holdout", required: false, HoldoutKeys);
        if (map is null)
        {
            return null;
        }

        var defaults = new HoldoutPolicy();
        var topK = map.Integer("top_k", required: false);
        if (topK is < 0 or > 100)
        {
            map.Error("top_k", $"must be from 0 (re-validate nothing at the end) to 100, not {topK}");
        }

        var onNewBest = map.Bool("on_new_best", required: false);
        return new HoldoutPolicy
        {
            TopK = (int)Math.Clamp(topK ?? defaults.TopK, 0, 100),
            OnNewBest = onNewBest ?? defaults.OnNewBest,
        };
    }

    /// <summary>
    /// <c>reports: { at: ["07:00", "12:30"], time_zone: Europe/Berlin }</c>: times of day (HH:mm or HH:mm:ss, 24-hour) at which a
    /// running campaign writes a report; the time zone defaults to the host's.
    /// </summary>
    private static ReportSchedule? ReadReports(MapReader root)
    {
        var map = root.Map("reports", required: false, ReportKeys);
        if (map is null)
        {
            return null;
        }

        List<(string Value, YScalar Node)>? items = map.Raw("at") is YScalar single && !single.IsNull
            ? [(single.Value, single)]
            : map.ScalarList("at", required: true, nonEmpty: true);
        var times = new List<TimeSpan>();
        foreach (var (value, _) in items ?? [])
        {
            var text = value.Trim();
            if (TimeOnly.TryParseExact(text, ["H:mm", "HH:mm", "H:mm:ss", "HH:mm:ss"], System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.None, out var time))
            {
                if (times.Contains(time.ToTimeSpan()))
                    map.Error("at", $"lists '{text}' twice");
                times.Add(time.ToTimeSpan());
            }
            else
            {
                map.Error("at", $"'{text}' is not a time of day: use 24-hour HH:mm or HH:mm:ss, e.g. \"07:00\"");
            }
        }

        var zone = map.String("time_zone", required: false)?.Trim();
        if (zone is { Length: > 0 } && !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
        {
            map.Error("time_zone", $"'{zone}' is not a time zone this machine knows (use an IANA id such as Europe/Berlin or America/New_York)");
        }

        return new ReportSchedule { TimesOfDay = times.Distinct().Order().ToList(), TimeZone = zone is { Length: > 0 } ? zone : null };
    }

    /// <summary>
    /// <c>min_improvement: 0.5%</c> (relative to the best's mean) or <c>min_improvement: 0.001</c> (objective units): decides
    /// acceptance when no confidence can be measured and, stated, is a floor on every acceptance. Null when absent.
    /// </summary>
    private static MinImprovement? ReadMinImprovement(MapReader root)
    {
        var scalar = root.Scalar("min_improvement", required: false);
        if (scalar is null)
        {
            return null;
        }

        var text = scalar.Value.Trim();
        var relative = text.EndsWith('%');
        var number = relative ? text[..^1].TrimEnd() : text;
        if (!YamlValues.TryNumber(number, out var value) || !double.IsFinite(value) || value < 0 || (relative && value > 100))
        {
            root.Error("min_improvement",
                $"must be a percentage of the best's mean from 0% to 100% (e.g. 0.5%) or an amount in objective units of 0 or more (e.g. 0.001), not {YamlValues.Quote(text)}");
            return null;
        }

        return new MinImprovement { Value = relative ? value / 100 : value, Relative = relative, Stated = true };
    }

    /// <summary><c>noise: off</c>, or a mapping of <see cref="NoiseKeys"/>; defaults for what is not given.</summary>
    private static NoiseSpec? ReadNoise(MapReader root)
    {
        if (!root.Has("noise"))
        {
            return null;
        }

        if (root.Raw("noise") is YScalar scalar)
        {
            if (string.Equals(scalar.Value, "off", StringComparison.OrdinalIgnoreCase) || string.Equals(scalar.Value, "false", StringComparison.OrdinalIgnoreCase))
            {
                return NoiseSpec.Off;
            }

            root.Error("noise", $"must be 'off' or a mapping with {string.Join(", ", NoiseKeys)}, not '{scalar.Value}'");
            return null;
        }

        var map = root.Map("noise", required: false, NoiseKeys);
        if (map is null)
        {
            return null;
        }

        var defaults = new NoiseSpec();
        var baselineRuns = map.Integer("baseline_runs", required: false);
        if (baselineRuns is < 1 or > 100)
        {
            map.Error("baseline_runs", $"must be from 1 (no noise measurement) to 100, not {baselineRuns}");
        }

        var confirmationRuns = map.Integer("confirmation_runs", required: false);
        if (confirmationRuns is < 0 or > 100)
        {
            map.Error("confirmation_runs", $"must be from 0 to 100, not {confirmationRuns}");
        }

        var sigmas = map.Number("sigmas", required: false);
        if (sigmas is { } sg && !(sg >= 0 && double.IsFinite(sg)))
        {
            map.Error("sigmas", $"must be 0 or more (standard errors a new best must win by), not {sg}");
        }

        var preferBetterMean = map.Bool("prefer_better_mean", required: false);

        return new NoiseSpec
        {
            PreferBetterMean = preferBetterMean ?? defaults.PreferBetterMean,
            BaselineRuns = (int)Math.Clamp(baselineRuns ?? defaults.BaselineRuns, 1, 100),
            ConfirmationRuns = (int)Math.Clamp(confirmationRuns ?? defaults.ConfirmationRuns, 0, 100),
            Sigmas = sigmas is { } v && v >= 0 && double.IsFinite(v) ? v : defaults.Sigmas,
        };
    }

    private static BenchmarkSpec? ReadBenchmark(MapReader root, string folder, List<SpecError> sink)
    {
        var text = root.String("benchmark", required: true);
        if (text is null)
        {
            return null;
        }

        var full = Path.GetFullPath(Path.Combine(folder, text.Trim()));
        if (!Directory.Exists(full) && !File.Exists(full))
        {
            root.Error("benchmark", $"'{text}' not found (looked for {full})");
            return null;
        }

        var yaml = BenchmarkLoader.ResolveFile(full);
        if (!File.Exists(yaml))
        {
            root.Error("benchmark", $"'{text}' holds no {BenchmarkLoader.FileName} (looked for {yaml})");
            return null;
        }

        return BenchmarkLoader.Load(full, sink);
    }

    /// <summary>The agents folder: <c>agents_dir</c> (relative to the campaign file), else the nearest <c>agents/</c> walking up.</summary>
    private static string? ReadAgentsDir(MapReader root, string folder)
    {
        if (root.Has("agents_dir"))
        {
            var text = root.String("agents_dir", required: false);
            if (text is null)
            {
                return null;
            }

            var full = Path.GetFullPath(Path.Combine(folder, text.Trim()));
            if (!Directory.Exists(full))
            {
                root.Error("agents_dir", $"'{text}' is not a folder (looked for {full})");
                return null;
            }

            return full;
        }

        for (var dir = new DirectoryInfo(folder); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, AgentsFolderName);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        root.Error("agents_dir", $"is not set and no '{AgentsFolderName}' folder was found in {folder} or above it");
        return null;
    }

    private static List<AgentSpec>? ReadAgents(MapReader root, string? agentsDir, IReadOnlyCollection<string> strategies, List<SpecError> sink)
    {
        var node = root.Value("agents", required: true);
        if (node is null)
        {
            return null;
        }

        if (node is not YSequence list)
        {
            root.Error("agents", $"must be a list of agents (- id: ..., role: ...), not {node.Kind}");
            return null;
        }

        if (list.Items.Count == 0)
        {
            root.Error("agents", "must list at least one agent");
            return null;
        }

        var roles = new Dictionary<string, AgentRoleSpec?>(StringComparer.Ordinal);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var seeds = new Dictionary<int, int>();
        var result = new List<AgentSpec>();
        for (var i = 0; i < list.Items.Count; i++)
        {
            var a = MapReader.Open(root.Errors, $"agents[{i}]", list.Items[i], AgentKeys);
            if (a is null)
            {
                continue;
            }

            var id = a.String("id", required: true, SpecPatterns.Slug(), SpecPatterns.SlugHint);
            if (id is not null && !ids.TryAdd(id, i))
            {
                a.Error("id", $"'{id}' is already the id of agents[{ids[id]}]");
            }

            var roleName = a.String("role", required: true, SpecPatterns.Slug(), SpecPatterns.SlugHint);
            var role = roleName is null || agentsDir is null ? null : ReadRole(a, roleName, agentsDir, strategies, roles, sink);

            int? seed = null;
            if (a.Has("seed"))
            {
                var explicitSeed = a.Integer("seed", required: false);
                if (explicitSeed is < 0 or > int.MaxValue)
                {
                    a.Error("seed", $"must be from 0 to {int.MaxValue}, not {explicitSeed}");
                }
                else if (explicitSeed is not null)
                {
                    seed = (int)explicitSeed.Value;
                }
            }
            else if (id is not null)
            {
                seed = StableSeed.For(id);
            }

            if (seed is not null && !seeds.TryAdd(seed.Value, i))
            {
                a.Error("seed", $"seed {seed} is also agents[{seeds[seed.Value]}]'s; agents need distinct seeds");
            }

            var settings = AgentSettings.ReadSettings(a, "settings", allowNull: true);
            var budgets = AgentSettings.ReadBudgets(a);
            var agentWeight = AgentSettings.ReadWeight(a);
            var model = a.String("model", required: false, SpecPatterns.EndpointName(), SpecPatterns.EndpointNameHint);
            var failover = a.Has("failover") ? AgentRoleLoader.ReadFailover(a) : null;
            if (role is not null && role.Proposer != AgentRoleLoader.ModelStrategy && (model is not null || failover is { Count: > 0 }))
            {
                a.Error(model is not null ? "model" : "failover", $"role '{role.Name}' uses the built-in '{role.Proposer}' optimizer, which calls no model");
            }
            if (id is null || role is null || seed is null)
            {
                continue;
            }

            var merged = new Dictionary<string, string>(role.Settings, StringComparer.Ordinal);
            foreach (var (key, value) in settings ?? [])
            {
                if (value is null)
                {
                    merged.Remove(key);
                }
                else
                {
                    merged[key] = value;
                }
            }

            budgets ??= [];
            result.Add(new AgentSpec
            {
                Id = id,
                Role = role.Name,
                Proposer = role.Proposer,
                Model = model ?? role.Model,
                Failover = failover ?? role.Failover,
                TokenBudget = budgets.TryGetValue("tokens", out var tokens) ? (long)tokens : role.TokenBudget,
                GpuBudgetSeconds = budgets.TryGetValue("gpu_seconds", out var gpu) ? gpu : role.GpuBudgetSeconds,
                CpuBudgetSeconds = budgets.TryGetValue("cpu_seconds", out var cpu) ? cpu : role.CpuBudgetSeconds,
                Seed = seed.Value,
                Settings = merged,
                Weight = agentWeight ?? role.Weight,
            });
        }

        return result;
    }

    /// <summary>Loads the role <paramref name="roleName"/> names (each file once); errors in the role file name that file.</summary>
    private static AgentRoleSpec? ReadRole(
        MapReader agent,
        string roleName,
        string agentsDir,
        IReadOnlyCollection<string> strategies,
        Dictionary<string, AgentRoleSpec?> cache,
        List<SpecError> sink)
    {
        var file = FindRoleFile(agentsDir, roleName, out var known);
        if (file is null)
        {
            agent.Error("role", $"no role '{roleName}' in {agentsDir}{Suggest.Hint(roleName, known)}; known roles: {(known.Count == 0 ? "none" : string.Join(", ", known))}");
            return null;
        }

        if (!cache.TryGetValue(file, out var role))
        {
            role = AgentRoleLoader.Load(file, strategies, sink);
            cache[file] = role;
        }

        return role;
    }

    /// <summary><c>&lt;dir&gt;/&lt;role&gt;.yaml</c> (or <c>.yml</c>), else the role file in the folder whose <c>name:</c> is the role.</summary>
    private static string? FindRoleFile(string agentsDir, string roleName, out List<string> known)
    {
        known = [];
        foreach (var ext in new[] { ".yaml", ".yml" })
        {
            var direct = Path.Combine(agentsDir, roleName + ext);
            if (File.Exists(direct))
            {
                return direct;
            }
        }

        var files = Directory.EnumerateFiles(agentsDir, "*.yaml").Concat(Directory.EnumerateFiles(agentsDir, "*.yml")).Order(StringComparer.Ordinal);
        foreach (var candidate in files)
        {
            known.Add(Path.GetFileNameWithoutExtension(candidate));
            var name = PeekName(candidate);
            if (name == roleName)
            {
                return candidate;
            }

            if (name is not null && !known.Contains(name, StringComparer.Ordinal))
            {
                known.Add(name);
            }
        }

        return null;
    }

    /// <summary>The <c>name:</c> of a role file, read leniently (its errors are reported only if a campaign uses it).</summary>
    private static string? PeekName(string file)
    {
        try
        {
            var scratch = new SpecErrorList(file, []);
            return YamlTreeReader.Read(File.ReadAllText(file), scratch) is YMapping map
                ? map.Entries.Where(e => e.Key is YScalar { Value: "name" }).Select(e => (e.Value as YScalar)?.Value).FirstOrDefault()
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
