using System.Globalization;
using System.Text.Json;
using AutoResearch.Abstractions.Parameters;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Proposers.Tests;

/// <summary>Typed parameter values: one canonical text, exact round trips, culture-proof, clear errors, value equality.</summary>
public sealed class ParameterValueTests
{
    private static readonly ParameterSpec Lr = new() { Name = "lr", Type = ParameterType.Float, Min = 1e-5, Max = 1, Log = true, Default = "0.01" };
    private static readonly ParameterSpec Hidden = new() { Name = "hidden", Type = ParameterType.Int, Min = 16, Max = 256, Default = "64" };
    private static readonly ParameterSpec Activation = new() { Name = "activation", Type = ParameterType.Choice, Choices = ["relu", "tanh", "4"], Default = "relu" };
    private static readonly List<ParameterSpec> Space = [Lr, Hidden, Activation];

    [Theory]
    [InlineData(0.1)]
    [InlineData(1.0 / 3)]
    [InlineData(0.0013986616992729497)]
    [InlineData(1e-300)]
    [InlineData(-2.5e17)]
    [InlineData(double.Epsilon)]
    public void A_real_round_trips_exactly_through_its_canonical_text(double value)
    {
        var text = ParameterValue.Real(value).Text;
        Assert.Equal(value, double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));
        Assert.Equal(ParameterValue.Real(value), ParameterValue.FromStored(text));
        Assert.Equal(text, ParameterValue.FromStored(text).Text);
    }

    [Fact]
    public void Texts_are_invariant_whatever_the_current_culture()
    {
        var before = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            Assert.Equal("0.5", ParameterValue.Real(0.5).Text);
            Assert.Equal("1234567", ParameterValue.Integer(1_234_567).Text);
            Assert.Equal(0.5, ParameterValue.Parse(Lr, "0.5").AsNumber);
            var comma = Assert.Throws<ParameterValueException>(() => ParameterValue.Parse(Lr, "0,5"));
            Assert.Equal("lr", comma.Parameter);
            Assert.Contains("'0,5' is not a number", comma.Message, StringComparison.Ordinal);
            Assert.Equal("hidden=64, lr=0.5", ParameterSet.Of(("lr", 0.5), ("hidden", 64)).ToString());
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }

    [Theory]
    [InlineData("lr", "abc", "parameter 'lr'='abc' is not a number")]
    [InlineData("lr", "NaN", "parameter 'lr'='NaN' is not a number")]
    [InlineData("lr", "2", "parameter 'lr'=2 is outside [1E-05, 1]")]
    [InlineData("hidden", "64.5", "parameter 'hidden'='64.5' is not an integer")]
    [InlineData("hidden", "8", "parameter 'hidden'=8 is outside [16, 256]")]
    [InlineData("activation", "gelu", "parameter 'activation'='gelu' is not one of relu|tanh|4")]
    public void Bad_input_is_refused_naming_the_parameter_and_what_is_wrong(string name, string text, string message)
    {
        var spec = Space.Single(p => p.Name == name);
        var error = Assert.Throws<ParameterValueException>(() => ParameterValue.Parse(spec, text));
        Assert.Equal(name, error.Parameter);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Parsing_against_the_space_types_each_value_and_canonicalises_it()
    {
        var set = ParameterSet.Parse(new Dictionary<string, string> { ["lr"] = "1e-3", ["hidden"] = "128.0", ["activation"] = "4" }, Space, requireAll: true);
        Assert.Equal(ParameterKind.Real, set["lr"].Kind);
        Assert.Equal("0.001", set["lr"].Text);
        Assert.Equal(ParameterKind.Integer, set["hidden"].Kind);
        Assert.Equal(128, set["hidden"].AsInteger);
        Assert.Equal("128", set["hidden"].Text);
        Assert.Equal(ParameterKind.Categorical, set["activation"].Kind);
        Assert.Throws<InvalidOperationException>(() => set["activation"].AsNumber);
        Assert.Equal(["activation", "hidden", "lr"], set.Keys);
    }

    [Fact]
    public void Parsing_a_set_reports_every_problem_at_once()
    {
        var problems = new List<string>();
        ParameterSet.TryParse(new Dictionary<string, string> { ["lr"] = "x", ["nope"] = "1" }, Space, requireAll: true, out var found, "demo");
        Assert.Equal(["lr", "nope", "hidden", "activation"], found.Select(p => p.Name));
        Assert.Contains("parameter 'nope' is not declared by benchmark demo (its parameters: lr, hidden, activation)", found.Select(p => p.Message));
        Assert.Contains("parameter 'hidden' is missing", found.Select(p => p.Message));
        var error = Assert.Throws<ParameterValueException>(() => ParameterSet.Parse(new Dictionary<string, string> { ["lr"] = "x" }, Space));
        Assert.Equal("lr", error.Parameter);
    }

    [Fact]
    public void Sets_are_equal_by_value_whatever_the_order_they_were_built_in()
    {
        var a = ParameterSet.Of(("lr", 0.01), ("hidden", 64), ("activation", ParameterValue.Choice("relu")));
        var b = ParameterSet.Of(("activation", ParameterValue.Choice("relu")), ("hidden", 64), ("lr", 0.01));
        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, b.With("lr", 0.02));
        Assert.Equal(0.01, b["lr"].AsNumber);
        Assert.Equal(0.02, b.With("lr", 0.02)["lr"].AsNumber);
        Assert.Equal(0.01, b["lr"].AsNumber); // With made a copy
        Assert.Equal(3, ParameterSet.Of([.. a, .. ParameterSet.Of(("lr", 0.5))]).Count);
        // The real 64 and the integer 64 are one configuration (the same text reaches the run).
        Assert.Equal(ParameterValue.Real(64), ParameterValue.Integer(64));
        Assert.Equal(ParameterSet.Empty, []);
        var missing = Assert.Throws<KeyNotFoundException>(() => a["momentum"]);
        Assert.Contains("'momentum'", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_given_twice_keeps_its_last_value()
    {
        var set = ParameterSet.Of(("b", 1), ("a", 2), ("b", 3), ("c", 4), ("b", 5));
        Assert.Equal("a=2, b=5, c=4", set.ToString());
        Assert.Equal("a=2, b=6, c=4", set.With([KeyValuePair.Create("b", (ParameterValue)6)]).ToString());
    }

    [Fact]
    public void Stored_texts_read_back_typed_and_the_stored_form_is_unchanged()
    {
        var stored = new Dictionary<string, string> { ["lr"] = "0.001", ["hidden"] = "64", ["activation"] = "relu" };
        var set = ParameterSet.FromStored(stored);
        Assert.Equal(ParameterKind.Real, set["lr"].Kind);
        Assert.Equal(ParameterKind.Integer, set["hidden"].Kind);
        Assert.Equal(ParameterKind.Categorical, set["activation"].Kind);
        Assert.Equal(stored, set.ToText());

        var json = JsonSerializer.Serialize(set);
        Assert.Equal("""{"activation":"relu","hidden":"64","lr":"0.001"}""", json);
        Assert.Equal(set, JsonSerializer.Deserialize<ParameterSet>(json));
        Assert.Equal(set, JsonSerializer.Deserialize<ParameterSet>("""{"activation":"relu","hidden":64,"lr":0.001}"""));
    }

    [Fact]
    public void Spec_defaults_parse_against_their_declaration()
    {
        var defaults = ParameterSet.Defaults(Space);
        Assert.Equal("activation=relu, hidden=64, lr=0.01", defaults.ToString());
        Assert.Throws<ParameterValueException>(() => ParameterSet.Defaults([Hidden with { Default = "1000" }]));
    }
}
