using System.Text.Json;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Sandboxes.Tests;

public sealed class ParameterEncodingTests
{
    private static readonly List<ParameterSpec> Specs =
    [
        new() { Name = "learning-rate", Type = ParameterType.Float, Min = 1e-5, Max = 1, Log = true, Default = "0.01" },
        new() { Name = "hidden.units", Type = ParameterType.Int, Min = 8, Max = 512, Default = "64" },
        new() { Name = "activation", Type = ParameterType.Choice, Choices = ["relu", "tanh", "1"], Default = "relu" },
    ];

    [Theory]
    [InlineData("lr", "AR_PARAM_LR")]
    [InlineData("learning-rate", "AR_PARAM_LEARNING_RATE")]
    [InlineData("hidden.units", "AR_PARAM_HIDDEN_UNITS")]
    [InlineData("x2 y", "AR_PARAM_X2_Y")]
    [InlineData("ümlaut", "AR_PARAM__MLAUT")]
    public void Environment_names_are_upper_case_with_underscores(string name, string expected) =>
        Assert.Equal(expected, ParameterEncoding.EnvironmentName(name));

    [Fact]
    public void Json_is_typed_per_spec_and_fills_defaults()
    {
        var json = ParameterEncoding.ToJson(Specs, AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string> { ["learning-rate"] = "1e-3", ["activation"] = "1" }));
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;

        Assert.Equal(JsonValueKind.Number, root.GetProperty("learning-rate").ValueKind);
        Assert.Equal(0.001, root.GetProperty("learning-rate").GetDouble());
        Assert.Equal(JsonValueKind.Number, root.GetProperty("hidden.units").ValueKind);
        Assert.Equal("64", root.GetProperty("hidden.units").GetRawText());
        Assert.Equal(JsonValueKind.String, root.GetProperty("activation").ValueKind);
        Assert.Equal("1", root.GetProperty("activation").GetString());
    }

    [Fact]
    public void Whole_number_float_stays_a_float_value_and_integral_int_text_is_accepted()
    {
        var json = ParameterEncoding.ToJson(Specs, AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string> { ["learning-rate"] = "1", ["hidden.units"] = "128.0" }));
        using var document = JsonDocument.Parse(json);

        Assert.Equal(1.0, document.RootElement.GetProperty("learning-rate").GetDouble());
        Assert.Equal("128", document.RootElement.GetProperty("hidden.units").GetRawText());
    }

    [Fact]
    public void Environment_uses_the_normalised_text()
    {
        // Text is normalised where it is parsed (the edge, against the space); the run gets the canonical text.
        var values = AutoResearch.Abstractions.Parameters.ParameterSet.Parse(new Dictionary<string, string> { ["learning-rate"] = " 0.0010 " }, Specs)
            .With("extra", AutoResearch.Abstractions.Parameters.ParameterValue.Choice("x y"));
        var env = ParameterEncoding.ToEnvironment(Specs, values);

        Assert.Equal(
            ["AR_PARAM_LEARNING_RATE=0.001", "AR_PARAM_HIDDEN_UNITS=64", "AR_PARAM_ACTIVATION=relu", "AR_PARAM_EXTRA=x y"],
            env);
    }

    [Fact]
    public void Values_without_a_spec_pass_as_strings()
    {
        using var document = JsonDocument.Parse(ParameterEncoding.ToJson([], AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string> { ["b"] = "2", ["a"] = "x" })));

        Assert.Equal(["a", "b"], document.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.String, document.RootElement.GetProperty("b").ValueKind);
    }

    [Theory]
    [InlineData("learning-rate", "fast")]
    [InlineData("learning-rate", "NaN")]
    [InlineData("learning-rate", "Infinity")]
    [InlineData("hidden.units", "1.5")]
    [InlineData("hidden.units", "many")]
    public void Values_not_fitting_their_type_are_format_errors(string name, string value)
    {
        var error = Assert.Throws<FormatException>(() => ParameterEncoding.ToJsonUtf8(Specs, AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string> { [name] = value })));
        Assert.Contains(name, error.Message);
    }

    [Fact]
    public void Clashing_environment_names_are_rejected() =>
        Assert.Throws<ArgumentException>(() => ParameterEncoding.ToEnvironment([], AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string> { ["a-b"] = "1", ["a.b"] = "2" })));

    [Fact]
    public void Floats_round_trip()
    {
        var value = 0.1 + 0.2;
        var text = value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        using var document = JsonDocument.Parse(ParameterEncoding.ToJson(Specs, AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string> { ["learning-rate"] = text })));

        Assert.Equal(value, document.RootElement.GetProperty("learning-rate").GetDouble());
        Assert.Contains($"AR_PARAM_LEARNING_RATE={text}", ParameterEncoding.ToEnvironment(Specs, AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string> { ["learning-rate"] = text })));
    }
}
