using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Grains.Tests;

public sealed class ProposalValidatorTests
{
    private static Proposal With(Dictionary<string, string> parameters, Dictionary<string, string>? edits = null) => new()
    {
        Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(parameters),
        EditedFiles = edits ?? [],
        ProposerName = "test",
    };

    [Fact]
    public void Accepts_values_inside_the_declared_ranges() =>
        Assert.Null(ProposalValidator.Validate(TestSpecs.Branin(), With(new() { ["x1"] = "9.5", ["x2"] = "0" })));

    [Theory]
    [InlineData("11", "1", "outside")]
    [InlineData("abc", "1", "not a number")]
    [InlineData("NaN", "1", "not a number")]
    public void Rejects_bad_values_naming_the_parameter(string x1, string x2, string expected)
    {
        var problem = ProposalValidator.Validate(TestSpecs.Branin(), With(new() { ["x1"] = x1, ["x2"] = x2 }));
        Assert.NotNull(problem);
        Assert.Contains("'x1'", problem);
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void Rejects_missing_and_undeclared_parameters()
    {
        var problem = ProposalValidator.Validate(TestSpecs.Branin(), With(new() { ["x1"] = "1", ["lr"] = "0.1" }));
        Assert.Contains("'x2' is missing", problem);
        Assert.Contains("'lr' is not declared", problem);
    }

    [Fact]
    public void Rejects_edits_outside_the_workspace_or_of_files_not_editable()
    {
        var spec = TestSpecs.Branin() with { Editable = ["train.py"] };
        var parameters = new Dictionary<string, string> { ["x1"] = "1", ["x2"] = "1" };
        Assert.Null(ProposalValidator.Validate(spec, With(parameters, new() { ["train.py"] = "print(1)" })));
        Assert.Contains("leaves the workspace", ProposalValidator.Validate(spec, With(parameters, new() { ["../etc/passwd"] = "x" })));
        Assert.Contains("leaves the workspace", ProposalValidator.Validate(spec, With(parameters, new() { ["/etc/passwd"] = "x" })));
        Assert.Contains("not editable", ProposalValidator.Validate(spec, With(parameters, new() { ["eval.py"] = "x" })));
    }
}
