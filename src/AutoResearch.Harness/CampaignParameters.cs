using AutoResearch.Abstractions.Specs;
using AutoResearch.Harness.Yaml;

namespace AutoResearch.Harness;

/// <summary>
/// The campaign file's <c>parameters:</c> section: fixes, narrows or trims the benchmark's parameters for one campaign
/// without editing the benchmark. Each entry names a benchmark parameter:
/// <list type="bullet">
/// <item><c>lr: 0.01</c> or <c>lr: { value: 0.01 }</c> fixes it: not searched, every run (the baseline too) gets the value;</item>
/// <item><c>lr: { min: 0.001, max: 0.1 }</c> narrows a numeric range (either bound alone is fine; it must stay inside the benchmark's);</item>
/// <item><c>activation: { choices: [relu, tanh] }</c> keeps some of a choice parameter's choices (one choice fixes it);</item>
/// <item><c>default:</c> beside min/max or choices moves the baseline value (needed when the benchmark's default falls outside);</item>
/// <item><c>seed: 0</c>, for a benchmark without a parameter named seed, pins <c>AR_SEED</c> for every run (repeats then cannot measure noise).</item>
/// </list>
/// </summary>
internal static class CampaignParameters
{
    /// <summary>The key that pins <c>AR_SEED</c> when the benchmark declares no parameter of that name.</summary>
    public const string SeedKey = "seed";

    private static readonly string[] OverrideKeys = ["value", "min", "max", "choices", "default"];

    /// <summary>The effective benchmark (or null when the section is absent or has errors, which are reported).</summary>
    public static BenchmarkSpec? Apply(MapReader root, BenchmarkSpec benchmark)
    {
        var map = root.Map("parameters", required: false, knownKeys: null);
        if (map is null) return null;

        var errorsBefore = map.Errors.Count;
        var searched = new List<ParameterSpec>();
        var fixedParameters = new List<ParameterSpec>(benchmark.FixedParameters);
        int? fixedSeed = benchmark.FixedSeed;
        var overrides = map.Entries.ToDictionary(e => e.Key, e => (e.KeyNode, e.Value), StringComparer.Ordinal);
        var names = benchmark.Parameters.Select(p => p.Name).ToList();
        foreach (var (name, keyNode, value) in map.Entries)
        {
            if (names.Contains(name, StringComparer.Ordinal)) continue;
            if (name == SeedKey)
            {
                fixedSeed = ReadSeed(map, value);
                continue;
            }
            map.Errors.Add(map.Field(name),
                $"benchmark {benchmark.Name} has no parameter '{name}'{Suggest.Hint(name, names)}; its parameters: " +
                $"{(names.Count == 0 ? "none" : string.Join(", ", names))} (and '{SeedKey}' pins AR_SEED)", keyNode);
        }

        foreach (var parameter in benchmark.Parameters)
        {
            if (!overrides.TryGetValue(parameter.Name, out var entry))
            {
                searched.Add(parameter);
                continue;
            }
            var field = map.Field(parameter.Name);
            var result = entry.Value is YScalar scalar
                ? Fix(map.Errors, field, parameter, scalar)
                : Override(map.Errors, field, parameter, entry.Value);
            if (result is null) continue;
            if (result.Value.Fixed) fixedParameters.Add(result.Value.Spec);
            else searched.Add(result.Value.Spec);
        }

        if (map.Errors.Count > errorsBefore) return null;
        return benchmark with { Parameters = searched, FixedParameters = fixedParameters, FixedSeed = fixedSeed };
    }

    private static int? ReadSeed(MapReader map, YNode value)
    {
        var field = map.Field(SeedKey);
        var node = value is YMapping ? MapReader.Open(map.Errors, field, value, ["value"])?.Scalar("value", required: true) : value as YScalar;
        if (node is null)
        {
            if (value is not YMapping) map.Errors.Add(field, $"must be a seed (an integer from 0 to {int.MaxValue}), not {value.Kind}", value);
            return null;
        }
        if (!YamlValues.TryInteger(node.Value, out var seed) || seed is < 0 or > int.MaxValue)
        {
            map.Errors.Add(field, $"must be a seed (an integer from 0 to {int.MaxValue}) to pin AR_SEED, not {YamlValues.Quote(node.Value)}", node);
            return null;
        }
        return (int)seed;
    }

    private static (ParameterSpec Spec, bool Fixed)? Fix(SpecErrorList errors, string field, ParameterSpec parameter, YScalar value)
    {
        if (value.IsNull)
        {
            errors.Add(field, "has no value: give the value to fix it at, or { min, max } / { choices } to narrow it", value);
            return null;
        }
        var text = CheckValue(errors, field, parameter, value.Value, value);
        return text is null ? null : (Pinned(parameter, text), true);
    }

    private static (ParameterSpec Spec, bool Fixed)? Override(SpecErrorList errors, string field, ParameterSpec parameter, YNode node)
    {
        var map = MapReader.Open(errors, field, node, OverrideKeys);
        if (map is null) return null;
        var errorsBefore = errors.Count;
        if (map.Has("value"))
        {
            foreach (var key in new[] { "min", "max", "choices", "default" }.Where(map.Has))
                map.Error(key, "cannot go with value: a fixed parameter is not searched");
            var scalar = map.Scalar("value", required: true);
            if (scalar is null || errors.Count > errorsBefore) return null;
            var text = CheckValue(errors, map.Field("value"), parameter, scalar.Value, scalar);
            return text is null ? null : (Pinned(parameter, text), true);
        }

        if (parameter.Type == ParameterType.Choice)
        {
            foreach (var key in new[] { "min", "max" }.Where(map.Has))
                map.Error(key, $"'{parameter.Name}' is a choice parameter: narrow it with choices, not {key}");
            var items = map.ScalarList("choices", required: errors.Count == errorsBefore, nonEmpty: true);
            if (items is null || errors.Count > errorsBefore) return null;
            var kept = new List<string>();
            for (var i = 0; i < items.Count; i++)
            {
                var choice = items[i].Value;
                if (!parameter.Choices.Contains(choice, StringComparer.Ordinal))
                    errors.Add($"{map.Field("choices")}[{i}]", $"'{choice}' is not a choice of '{parameter.Name}' ({string.Join(", ", parameter.Choices)}){Suggest.Hint(choice, parameter.Choices)}", items[i].Node);
                else if (kept.Contains(choice, StringComparer.Ordinal))
                    errors.Add($"{map.Field("choices")}[{i}]", $"'{choice}' is listed twice", items[i].Node);
                else
                    kept.Add(choice);
            }
            if (errors.Count > errorsBefore) return null;
            if (kept.Count == 1)
            {
                if (map.Has("default")) map.Error("default", "is not needed: a single choice fixes the parameter");
                return errors.Count > errorsBefore ? null : (Pinned(parameter, kept[0]), true);
            }
            var choiceDefault = map.String("default", required: false) ?? parameter.Default;
            if (!kept.Contains(choiceDefault, StringComparer.Ordinal))
            {
                map.Error(map.Has("default") ? "default" : "choices", map.Has("default")
                    ? $"'{choiceDefault}' is not one of the kept choices ({string.Join(", ", kept)})"
                    : $"drops the benchmark's default '{choiceDefault}', which the baseline runs with; add default: (one of {string.Join(", ", kept)})");
                return null;
            }
            // Keep the benchmark's order of the kept choices.
            var ordered = parameter.Choices.Where(c => kept.Contains(c, StringComparer.Ordinal)).ToList();
            return (parameter with { Choices = ordered, Default = choiceDefault }, false);
        }

        if (map.Has("choices"))
            map.Error("choices", $"'{parameter.Name}' is a{(parameter.Type == ParameterType.Int ? "n int" : " float")} parameter: narrow it with min and max, not choices");
        if (!map.Has("min") && !map.Has("max"))
        {
            if (errors.Count == errorsBefore)
                errors.Add(field, "needs value (to fix it) or min and/or max (to narrow it)", node);
            return null;
        }
        var isInt = parameter.Type == ParameterType.Int;
        var min = isInt ? map.Integer("min", required: false) : map.Number("min", required: false);
        var max = isInt ? map.Integer("max", required: false) : map.Number("max", required: false);
        var range = $"[{Format(parameter.Min, isInt)}, {Format(parameter.Max, isInt)}]";
        if (min is { } lo && (lo < parameter.Min || lo > parameter.Max))
            map.Error("min", $"{Format(lo, isInt)} is outside the benchmark's range {range} of '{parameter.Name}': a campaign can narrow a range, not widen it");
        if (max is { } hi && (hi < parameter.Min || hi > parameter.Max))
            map.Error("max", $"{Format(hi, isInt)} is outside the benchmark's range {range} of '{parameter.Name}': a campaign can narrow a range, not widen it");
        if (errors.Count > errorsBefore) return null;
        var newMin = min ?? parameter.Min!.Value;
        var newMax = max ?? parameter.Max!.Value;
        if (newMin > newMax)
        {
            map.Error(max is not null ? "max" : "min", $"leaves an empty range [{Format(newMin, isInt)}, {Format(newMax, isInt)}]");
            return null;
        }
        if (newMin == newMax)
        {
            if (map.Has("default")) map.Error("default", "is not needed: min = max fixes the parameter");
            return errors.Count > errorsBefore ? null : (Pinned(parameter, Format(newMin, isInt)), true);
        }
        string defaultText;
        if (map.Scalar("default", required: false) is { } given)
        {
            var checkedDefault = CheckValue(errors, map.Field("default"), parameter with { Min = newMin, Max = newMax }, given.Value, given);
            if (checkedDefault is null) return null;
            defaultText = checkedDefault;
        }
        else
        {
            var benchmarkDefault = double.Parse(parameter.Default, System.Globalization.CultureInfo.InvariantCulture);
            if (benchmarkDefault < newMin || benchmarkDefault > newMax)
            {
                errors.Add(field,
                    $"[{Format(newMin, isInt)}, {Format(newMax, isInt)}] leaves out the benchmark's default {parameter.Default}, which the baseline runs with; add default: (a value inside the range)", node);
                return null;
            }
            defaultText = parameter.Default;
        }
        return (parameter with { Min = newMin, Max = newMax, Default = defaultText }, false);
    }

    /// <summary>The canonical text of <paramref name="text"/> when it is a valid value of <paramref name="parameter"/>; else null (reported).</summary>
    private static string? CheckValue(SpecErrorList errors, string field, ParameterSpec parameter, string text, YNode node)
    {
        if (parameter.Type == ParameterType.Choice)
        {
            if (parameter.Choices.Contains(text, StringComparer.Ordinal)) return text;
            errors.Add(field, $"'{text}' is not a choice of '{parameter.Name}' ({string.Join(", ", parameter.Choices)}){Suggest.Hint(text, parameter.Choices)}", node);
            return null;
        }
        var isInt = parameter.Type == ParameterType.Int;
        if (isInt ? !YamlValues.TryInteger(text, out var integer) : !YamlValues.TryNumber(text, out _))
        {
            errors.Add(field, $"'{parameter.Name}' is a{(isInt ? "n int" : " float")} parameter: {YamlValues.Quote(text)} is not a{(isInt ? "n integer" : " number")}", node);
            return null;
        }
        YamlValues.TryNumber(text, out var value);
        if (value < parameter.Min || value > parameter.Max)
        {
            errors.Add(field, $"{Format(value, isInt)} is outside [{Format(parameter.Min, isInt)}, {Format(parameter.Max, isInt)}] of '{parameter.Name}'", node);
            return null;
        }
        return Format(value, isInt);
    }

    /// <summary>A fixed parameter: its default is the pinned value, its range or choices shrink to that value.</summary>
    private static ParameterSpec Pinned(ParameterSpec parameter, string value) => parameter.Type == ParameterType.Choice
        ? parameter with { Choices = [value], Default = value }
        : parameter with { Min = double.Parse(value, System.Globalization.CultureInfo.InvariantCulture), Max = double.Parse(value, System.Globalization.CultureInfo.InvariantCulture), Default = value };

    private static string Format(double? value, bool isInt) => value is not { } v ? "?" : isInt ? YamlValues.FormatInteger((long)v) : YamlValues.FormatReal(v);
}
