namespace AutoResearch.Harness.Yaml;

/// <summary>Reads the <c>settings</c> and <c>budgets</c> maps shared by role files and campaign agent overrides.</summary>
internal static class AgentSettings
{
    /// <summary>The budget keys, in order.</summary>
    public static readonly string[] BudgetKeys = ["tokens", "gpu_seconds", "cpu_seconds"];

    /// <summary>An optional positive <c>weight</c> (share of the fleet); null when absent or invalid (the error is recorded).</summary>
    public static double? ReadWeight(MapReader parent)
    {
        var weight = parent.Number("weight", required: false);
        if (weight is { } w && !(w > 0 && double.IsFinite(w)))
        {
            parent.Error("weight", $"must be more than 0 (a share of the fleet relative to the others), not {YamlValues.FormatReal(w)}");
            return null;
        }
        return weight;
    }

    /// <summary>
    /// Reads a free-form map of single values. A null value is kept as null when <paramref name="allowNull"/>
    /// (an override that removes the role's setting), and reported otherwise. Known settings are range-checked.
    /// </summary>
    public static Dictionary<string, string?>? ReadSettings(MapReader parent, string key, bool allowNull)
    {
        var map = parent.Map(key, required: false, knownKeys: null);
        if (map is null)
        {
            return null;
        }

        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, _, value) in map.Entries)
        {
            var field = map.Field(name);
            if (value is YScalar { IsNull: true })
            {
                if (allowNull)
                {
                    result[name] = null;
                }
                else
                {
                    map.Errors.Add(field, "has no value", value);
                }

                continue;
            }

            if (value is not YScalar scalar)
            {
                map.Errors.Add(field, $"settings must be single values, not {value.Kind}", value);
                continue;
            }

            if (CheckKnownSetting(name, scalar.Value) is { } problem)
            {
                map.Errors.Add(field, $"{problem}, not {YamlValues.Quote(scalar.Value)}", scalar);
                continue;
            }

            result[name] = scalar.Value;
        }

        return result;
    }

    /// <summary>
    /// Checks the settings the built-in proposers read (others pass through unchecked, as text):
    /// <c>exploration</c> (gp: EI margin ξ) 0..1, <c>gamma</c> (tpe: good fraction) in (0, 1),
    /// <c>n_init</c> (gp, tpe: space-filling proposals first) and <c>candidates</c> (tpe) whole numbers ≥ 1.
    /// Returns what is expected when the value does not fit, else null.
    /// </summary>
    public static string? CheckKnownSetting(string name, string value) => name switch
    {
        "exploration" => YamlValues.TryNumber(value, out var x) && x is >= 0 and <= 1 ? null : "must be a number from 0 to 1",
        "gamma" => YamlValues.TryNumber(value, out var g) && g is > 0 and < 1 ? null : "must be a number between 0 and 1",
        "n_init" or "candidates" => int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1
            ? null
            : "must be a whole number of at least 1",
        // A model agent's proposal-attempt allowance and back-off (ModelTurnPolicy; README "Rejections cost no experiments").
        _ when Abstractions.Experiments.ModelTurnPolicy.Settings.Contains(name) => Abstractions.Experiments.ModelTurnPolicy.WhyInvalid(name, value) is null
            ? null
            : "must be a whole number from 1 to 100000 (a model agent's rejection allowance or back-off, in proposals)",
        _ => null,
    };

    /// <summary>Reads the budgets given (each a number ≥ 0; tokens whole); absent keys are absent from the result.</summary>
    public static Dictionary<string, double>? ReadBudgets(MapReader parent, string key = "budgets")
    {
        var map = parent.Map(key, required: false, BudgetKeys);
        if (map is null)
        {
            return null;
        }

        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var budgetKey in BudgetKeys)
        {
            double? value = budgetKey == "tokens" ? map.Integer(budgetKey, required: false) : map.Number(budgetKey, required: false);
            if (value is null)
            {
                continue;
            }

            if (value < 0)
            {
                map.Error(budgetKey, $"must be 0 or more, not {YamlValues.FormatReal(value.Value)}");
                continue;
            }

            result[budgetKey] = value.Value;
        }

        return result;
    }
}
