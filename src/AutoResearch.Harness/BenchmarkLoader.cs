using AutoResearch.Abstractions.Specs;
using AutoResearch.Harness.Yaml;

namespace AutoResearch.Harness;

/// <summary>Loads and validates a <c>benchmark.yaml</c> into a <see cref="BenchmarkSpec"/>.</summary>
public static class BenchmarkLoader
{
    /// <summary>The file name looked for in a benchmark folder.</summary>
    public const string FileName = "benchmark.yaml";

    private static readonly string[] RootKeys =
        ["name", "description", "image", "command", "files", "editable", "metric", "known_optimum", "time_limit", "resources", "parameters", "early_stopping", "scorer", "holdout"];

    private static readonly string[] ScorerKeys = ["command", "files", "time_limit", "image"];

    private static readonly string[] EarlyStoppingKeys = ["rule", "metric", "min_step", "min_runs", "eta"];

    private static readonly string[] HoldoutKeys = ["repeats"];

    private static readonly string[] EarlyStoppingRules = ["none", "median", "successive_halving"];

    private static readonly string[] MetricKeys = ["name", "direction", "range"];
    private static readonly string[] ResourceKeys = ["cpus", "memory", "gpus", "pids", "tmpfs", "disk"];
    private static readonly string[] ParameterKeys = ["type", "min", "max", "log", "default", "choices"];
    private static readonly string[] ParameterTypes = ["float", "int", "choice"];
    private static readonly string[] Directions = ["minimize", "maximize"];

    /// <summary>
    /// Loads <paramref name="folderOrYamlPath"/>: a benchmark folder (holding <c>benchmark.yaml</c>) or the YAML file itself.
    /// The spec's <see cref="BenchmarkSpec.Directory"/> is the folder's absolute path.
    /// </summary>
    /// <exception cref="SpecValidationException">The file is missing or invalid; every problem is listed.</exception>
    public static BenchmarkSpec Load(string folderOrYamlPath)
    {
        var errors = new List<SpecError>();
        var spec = Load(folderOrYamlPath, errors);
        return errors.Count > 0 || spec is null ? throw new SpecValidationException(errors) : spec;
    }

    /// <summary>The YAML file a benchmark path names: the path itself, or <c>benchmark.yaml</c> (or <c>.yml</c>) inside a folder.</summary>
    public static string ResolveFile(string folderOrYamlPath)
    {
        var full = Path.GetFullPath(folderOrYamlPath);
        if (!Directory.Exists(full))
        {
            return full;
        }

        var yaml = Path.Combine(full, FileName);
        var yml = Path.ChangeExtension(yaml, ".yml");
        return !File.Exists(yaml) && File.Exists(yml) ? yml : yaml;
    }

    /// <summary>Loads a benchmark, adding its errors to <paramref name="sink"/>; null when it has errors.</summary>
    internal static BenchmarkSpec? Load(string folderOrYamlPath, List<SpecError> sink)
    {
        var file = ResolveFile(folderOrYamlPath);
        var errors = new SpecErrorList(file, sink);
        var root = SpecFile.OpenRoot(errors, RootKeys);
        if (root is null)
        {
            return null;
        }

        var folder = Path.GetDirectoryName(file)!;
        var name = root.String("name", required: true, SpecPatterns.Slug(), SpecPatterns.SlugHint);
        var description = ReadDescription(root, folder);
        var image = root.String("image", required: true, SpecPatterns.Image(), SpecPatterns.ImageHint);
        var command = root.ScalarList("command", required: true, nonEmpty: true);
        var files = ReadFiles(root, folder);
        var editable = ReadEditable(root, files);
        var metric = ReadMetric(root);
        var knownOptimum = root.Number("known_optimum", required: false);
        var timeLimit = root.Duration("time_limit", required: true);
        var resources = ReadResources(root);
        var parameters = ReadParameters(root);
        var earlyStopping = ReadEarlyStopping(root);
        var scorer = ReadScorer(root, folder, editable);
        var holdout = ReadHoldout(root);

        if (errors.Count > 0)
        {
            return null;
        }

        return new BenchmarkSpec
        {
            Name = name!,
            Directory = folder,
            Image = image!,
            Command = [.. command!.Select(c => c.Value)],
            Files = files!,
            Editable = editable ?? [],
            Metric = metric!,
            TimeLimit = timeLimit!.Value,
            Resources = resources ?? new ResourceSpec(),
            Parameters = parameters ?? [],
            Description = description,
            KnownOptimum = knownOptimum,
            EarlyStopping = earlyStopping ?? new EarlyStoppingSpec(),
            Scorer = scorer,
            Holdout = holdout,
        };
    }

    /// <summary>
    /// <c>scorer: { command, files, time_limit, image? }</c>: the trusted scorer. Its files must exist and may not be editable;
    /// files shared with <c>files</c> (read-only helper code) are allowed, evaluation data must be listed here only.
    /// </summary>
    private static ScorerSpec? ReadScorer(MapReader root, string folder, List<string>? editable)
    {
        if (root.Raw("scorer") is YScalar { IsNull: false } scalar)
        {
            root.Error("scorer", $"must be a mapping such as {{ command: [python3, score.py], files: [score.py], time_limit: 60s }}, not '{scalar.Value}'");
            return null;
        }

        var map = root.Map("scorer", required: false, ScorerKeys);
        if (map is null)
        {
            return null;
        }

        var errorsBefore = map.Errors.Count;
        var command = map.ScalarList("command", required: true, nonEmpty: true);
        var image = map.String("image", required: false, SpecPatterns.Image(), SpecPatterns.ImageHint);
        var timeLimit = map.Duration("time_limit", required: true);
        var list = map.ScalarList("files", required: true, nonEmpty: true);
        var scorerFiles = new List<string>();
        if (list is not null)
        {
            for (var i = 0; i < list.Count; i++)
            {
                var field = $"{map.Field("files")}[{i}]";
                var path = CheckRelativeFile(map.Errors, field, list[i].Node, folder);
                if (path is null)
                {
                    continue;
                }

                if (editable is not null && editable.Contains(path, StringComparer.Ordinal))
                {
                    map.Errors.Add(field, $"'{path}' is editable; the scorer's files must be out of the agents' reach (remove it from editable)", list[i].Node);
                    continue;
                }

                if (!scorerFiles.Contains(path, StringComparer.Ordinal))
                {
                    scorerFiles.Add(path);
                }
            }
        }

        if (map.Errors.Count > errorsBefore || command is null || timeLimit is null)
        {
            return null;
        }

        return new ScorerSpec
        {
            Command = [.. command.Select(c => c.Value)],
            Files = scorerFiles,
            TimeLimit = timeLimit.Value,
            Image = image,
        };
    }

    /// <summary>
    /// <c>holdout: { repeats: 2 }</c>: the benchmark has a held-out evaluation (its scripts honor <c>AR_EVAL=holdout</c>);
    /// re-validated results get <c>repeats</c> held-out runs each. Absent: no held-out evaluation.
    /// </summary>
    private static HoldoutSpec? ReadHoldout(MapReader root)
    {
        if (root.Raw("holdout") is YScalar { IsNull: false } scalar)
        {
            root.Error("holdout", $"must be a mapping such as {{ repeats: 2 }} (keys: {string.Join(", ", HoldoutKeys)}), not '{scalar.Value}'");
            return null;
        }

        if (root.Raw("holdout") is YScalar { IsNull: true })
        {
            return new HoldoutSpec();
        }

        var map = root.Map("holdout", required: false, HoldoutKeys);
        if (map is null)
        {
            return null;
        }

        var repeats = map.Integer("repeats", required: false);
        if (repeats is < 1 or > HoldoutSpec.MaxRepeats)
        {
            map.Error("repeats", $"must be from 1 to {HoldoutSpec.MaxRepeats} (held-out runs per re-validated result), not {repeats}");
            return null;
        }

        return new HoldoutSpec { Repeats = (int)(repeats ?? new HoldoutSpec().Repeats) };
    }

    /// <summary><c>early_stopping: { rule, metric, min_step, min_runs, eta }</c>; absent means every run goes to the end.</summary>
    private static EarlyStoppingSpec? ReadEarlyStopping(MapReader root)
    {
        if (root.Raw("early_stopping") is YScalar { IsNull: false } scalar)
        {
            root.Error("early_stopping", $"must be a mapping such as {{ rule: median, min_step: 3, min_runs: 3 }} (keys: {string.Join(", ", EarlyStoppingKeys)}), not '{scalar.Value}'");
            return null;
        }

        var map = root.Map("early_stopping", required: false, EarlyStoppingKeys);
        if (map is null)
        {
            return null;
        }

        var ruleText = map.String("rule", required: true);
        var rule = ruleText switch
        {
            null => (EarlyStoppingRule?)null,
            "none" => EarlyStoppingRule.None,
            "median" => EarlyStoppingRule.Median,
            "successive_halving" => EarlyStoppingRule.SuccessiveHalving,
            _ => null,
        };
        if (ruleText is not null && rule is null)
        {
            map.Error("rule", $"unknown rule '{ruleText}'{Suggest.Hint(ruleText, EarlyStoppingRules)}; known: {string.Join(", ", EarlyStoppingRules)}");
        }

        var metric = map.String("metric", required: false, SpecPatterns.Metric(), SpecPatterns.MetricHint);
        var minStep = map.Integer("min_step", required: false);
        if (minStep is < 1)
        {
            map.Error("min_step", $"must be 1 or more (no run is stopped before this step), not {minStep}");
        }

        var minRuns = map.Integer("min_runs", required: false);
        if (minRuns is < 1 or > 10_000)
        {
            map.Error("min_runs", $"must be from 1 to 10000 (earlier runs needed before comparing), not {minRuns}");
        }

        var eta = map.Number("eta", required: false);
        if (eta is { } e && !(e > 1 && double.IsFinite(e)))
        {
            map.Error("eta", $"must be more than 1 (successive halving keeps the top 1/eta at each rung), not {e}");
        }

        var defaults = new EarlyStoppingSpec();
        return new EarlyStoppingSpec
        {
            Rule = rule ?? EarlyStoppingRule.None,
            Metric = metric,
            MinStep = minStep is >= 1 ? minStep.Value : defaults.MinStep,
            MinRuns = minRuns is >= 1 and <= 10_000 ? (int)minRuns.Value : defaults.MinRuns,
            Eta = eta is > 1 ? eta.Value : defaults.Eta,
        };
    }

    private static string? ReadDescription(MapReader root, string folder)
    {
        var s = root.Scalar("description", required: false);
        if (s is null)
        {
            return null;
        }

        var path = CheckRelativeFile(root.Errors, "description", s, folder);
        if (path is null)
        {
            return null;
        }

        return path;
    }

    private static List<string>? ReadFiles(MapReader root, string folder)
    {
        var list = root.ScalarList("files", required: true, nonEmpty: true);
        if (list is null)
        {
            return null;
        }

        var result = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            var field = $"files[{i}]";
            var path = CheckRelativeFile(root.Errors, field, list[i].Node, folder);
            if (path is null)
            {
                continue;
            }

            if (!seen.Add(path))
            {
                root.Errors.Add(field, $"'{path}' is listed twice", list[i].Node);
                continue;
            }

            result.Add(path);
        }

        return result.Count == list.Count ? result : null;
    }

    private static List<string>? ReadEditable(MapReader root, List<string>? files)
    {
        var list = root.ScalarList("editable", required: false, nonEmpty: false);
        if (list is null)
        {
            return null;
        }

        var result = new List<string>();
        for (var i = 0; i < list.Count; i++)
        {
            var path = NormalizeRelative(list[i].Value);
            if (files is not null && !files.Contains(path, StringComparer.Ordinal))
            {
                root.Errors.Add($"editable[{i}]", $"'{list[i].Value}' is not in files ({string.Join(", ", files)})", list[i].Node);
                continue;
            }

            if (!result.Contains(path, StringComparer.Ordinal))
            {
                result.Add(path);
            }
        }

        return result;
    }

    /// <summary>Checks that a scalar names an existing file inside <paramref name="folder"/>; returns it normalized (forward slashes, no <c>./</c>).</summary>
    private static string? CheckRelativeFile(SpecErrorList errors, string field, YScalar node, string folder)
    {
        var raw = node.Value.Trim();
        if (raw.Length == 0)
        {
            errors.Add(field, "must not be empty", node);
            return null;
        }

        if (Path.IsPathRooted(raw) || raw.StartsWith('/') || raw.StartsWith('\\') || raw.Contains(':', StringComparison.Ordinal))
        {
            errors.Add(field, $"'{raw}' must be a path relative to the benchmark folder, not an absolute path", node);
            return null;
        }

        var path = NormalizeRelative(raw);
        if (path.Split('/').Contains(".."))
        {
            errors.Add(field, $"'{raw}' must stay inside the benchmark folder ('..' is not allowed)", node);
            return null;
        }

        var full = Path.Combine(folder, path);
        if (Directory.Exists(full))
        {
            errors.Add(field, $"'{raw}' is a folder; list the files in it instead", node);
            return null;
        }

        if (!File.Exists(full))
        {
            errors.Add(field, $"'{raw}' does not exist in {folder}", node);
            return null;
        }

        return path;
    }

    private static string NormalizeRelative(string path) =>
        string.Join('/', path.Trim().Replace('\\', '/').Split('/').Where(p => p.Length > 0 && p != "."));

    private static MetricSpec? ReadMetric(MapReader root)
    {
        var metric = root.Map("metric", required: true, MetricKeys);
        if (metric is null)
        {
            return null;
        }

        var name = metric.String("name", required: true, SpecPatterns.Metric(), SpecPatterns.MetricHint);
        var directionText = metric.String("direction", required: true);
        Direction? direction = null;
        switch (directionText)
        {
            case null:
                break;
            case "minimize":
                direction = Direction.Minimize;
                break;
            case "maximize":
                direction = Direction.Maximize;
                break;
            default:
                metric.Error("direction", $"must be minimize or maximize, not '{directionText}'{Suggest.Hint(directionText, Directions)}");
                break;
        }

        var (low, high, rangeOk) = ReadRange(metric);
        return name is null || direction is null || !rangeOk
            ? null
            : new MetricSpec { Name = name, Direction = direction.Value, RangeLow = low, RangeHigh = high };
    }

    /// <summary><c>metric.range: [lo, hi]</c>: the plausible values of the objective (either bound may be <c>null</c>: open).</summary>
    private static (double? Low, double? High, bool Ok) ReadRange(MapReader metric)
    {
        var raw = metric.Raw("range");
        if (raw is null || raw is YScalar { IsNull: true })
        {
            return (null, null, true);
        }

        if (raw is not YSequence { Items.Count: 2 } seq)
        {
            metric.Error("range", "must be a list of two numbers [lo, hi] (null for an open end), e.g. [0, 1]");
            return (null, null, false);
        }

        var bounds = new double?[2];
        for (var i = 0; i < 2; i++)
        {
            if (seq.Items[i] is YScalar { IsNull: true })
            {
                continue;
            }

            if (seq.Items[i] is YScalar s && YamlValues.TryNumber(s.Value, out var d) && double.IsFinite(d))
            {
                bounds[i] = d;
                continue;
            }

            metric.Errors.Add($"{metric.Field("range")}[{i}]", $"must be a finite number or null, not {(seq.Items[i] is YScalar t ? YamlValues.Quote(t.Value) : seq.Items[i].Kind)}", seq.Items[i]);
            return (null, null, false);
        }

        if (bounds[0] is { } lo && bounds[1] is { } hi && lo >= hi)
        {
            metric.Error("range", $"the low end ({YamlValues.FormatReal(lo)}) must be below the high end ({YamlValues.FormatReal(hi)})");
            return (null, null, false);
        }

        return (bounds[0], bounds[1], true);
    }

    private static ResourceSpec? ReadResources(MapReader root)
    {
        var r = root.Map("resources", required: false, ResourceKeys);
        if (r is null)
        {
            return null;
        }

        var defaults = new ResourceSpec();
        var cpus = r.Number("cpus", required: false);
        if (cpus is <= 0)
        {
            r.Error("cpus", $"must be greater than 0, not {YamlValues.FormatReal(cpus.Value)}");
        }

        var gpus = r.Integer("gpus", required: false);
        if (gpus is < 0 or > int.MaxValue)
        {
            r.Error("gpus", $"must be 0 or more, not {gpus}");
        }

        var pids = r.Integer("pids", required: false);
        if (pids is <= 0)
        {
            r.Error("pids", $"must be greater than 0, not {pids}");
        }

        return new ResourceSpec
        {
            Cpus = cpus ?? defaults.Cpus,
            MemoryMb = r.Megabytes("memory", required: false) ?? defaults.MemoryMb,
            Gpus = gpus is >= 0 and <= int.MaxValue ? (int)gpus.Value : defaults.Gpus,
            Pids = pids ?? defaults.Pids,
            TmpfsMb = r.Megabytes("tmpfs", required: false) ?? defaults.TmpfsMb,
            DiskMb = r.Megabytes("disk", required: false) ?? defaults.DiskMb,
        };
    }

    private static List<ParameterSpec>? ReadParameters(MapReader root)
    {
        var map = root.Map("parameters", required: false, knownKeys: null);
        if (map is null)
        {
            return null;
        }

        var result = new List<ParameterSpec>();
        foreach (var (name, keyNode, value) in map.Entries)
        {
            var field = map.Field(name);
            if (!SpecPatterns.Identifier().IsMatch(name))
            {
                map.Errors.Add(field, $"'{name}' is not a valid parameter name: {SpecPatterns.IdentifierHint}", keyNode);
            }

            var p = MapReader.Open(map.Errors, field, value, ParameterKeys);
            if (p is not null && ReadParameter(name, p) is { } spec)
            {
                result.Add(spec);
            }
        }

        return result;
    }

    private static ParameterSpec? ReadParameter(string name, MapReader p)
    {
        var typeText = p.String("type", required: true);
        ParameterType? type = typeText switch
        {
            null => null,
            "float" => ParameterType.Float,
            "int" => ParameterType.Int,
            "choice" => ParameterType.Choice,
            _ => null,
        };
        if (typeText is not null && type is null)
        {
            p.Error("type", $"must be float, int or choice, not '{typeText}'{Suggest.Hint(typeText, ParameterTypes)}");
        }

        return type switch
        {
            ParameterType.Float or ParameterType.Int => ReadNumeric(name, type.Value, p),
            ParameterType.Choice => ReadChoice(name, p),
            _ => null,
        };
    }

    private static ParameterSpec? ReadNumeric(string name, ParameterType type, MapReader p)
    {
        var errorsBefore = p.Errors.Count;
        var isInt = type == ParameterType.Int;
        if (p.Raw("choices") is not null)
        {
            p.Error("choices", $"only a choice parameter has choices; a{(isInt ? "n int" : " float")} parameter has min and max");
        }

        var min = isInt ? p.Integer("min", required: true) : p.Number("min", required: true);
        var max = isInt ? p.Integer("max", required: true) : p.Number("max", required: true);
        var log = p.Bool("log", required: false) ?? false;
        if (min is not null && max is not null && min >= max)
        {
            p.Error("max", $"must be greater than min ({Format(min.Value, isInt)}), not {Format(max.Value, isInt)}");
        }

        if (log && min is <= 0)
        {
            p.Error("min", $"must be greater than 0 on a log scale (log: true), not {Format(min.Value, isInt)}");
        }

        double? def = isInt ? p.Integer("default", required: true) : p.Number("default", required: true);
        if (def is not null && min is not null && max is not null && min < max && (def < min || def > max))
        {
            p.Error("default", $"{Format(def.Value, isInt)} is outside [{Format(min.Value, isInt)}, {Format(max.Value, isInt)}]");
        }

        if (p.Errors.Count > errorsBefore || min is null || max is null || def is null)
        {
            return null;
        }

        return new ParameterSpec
        {
            Name = name,
            Type = type,
            Min = min,
            Max = max,
            Log = log,
            Default = Format(def.Value, isInt),
        };
    }

    private static ParameterSpec? ReadChoice(string name, MapReader p)
    {
        var errorsBefore = p.Errors.Count;
        foreach (var key in new[] { "min", "max", "log" })
        {
            if (p.Raw(key) is not null)
            {
                p.Error(key, $"is not allowed for a choice parameter (only choices and default)");
            }
        }

        var choices = p.ScalarList("choices", required: true, nonEmpty: true);
        var values = new List<string>();
        if (choices is not null)
        {
            for (var i = 0; i < choices.Count; i++)
            {
                if (values.Contains(choices[i].Value, StringComparer.Ordinal))
                {
                    p.Errors.Add($"{p.Field("choices")}[{i}]", $"'{choices[i].Value}' is listed twice", choices[i].Node);
                    continue;
                }

                values.Add(choices[i].Value);
            }

            if (values.Count < 2)
            {
                p.Error("choices", $"needs at least 2 distinct choices, not {values.Count}");
            }
        }

        var def = p.String("default", required: true);
        if (def is not null && choices is not null && !values.Contains(def, StringComparer.Ordinal))
        {
            p.Error("default", $"'{def}' is not one of the choices ({string.Join(", ", values)}){Suggest.Hint(def, values)}");
        }

        if (p.Errors.Count > errorsBefore || choices is null || def is null)
        {
            return null;
        }

        return new ParameterSpec { Name = name, Type = ParameterType.Choice, Choices = values, Default = def };
    }

    private static string Format(double value, bool isInt) =>
        isInt ? YamlValues.FormatInteger((long)value) : YamlValues.FormatReal(value);
}
