namespace AutoResearch.Harness.Tests;

public sealed class YamlFeaturesTests : IDisposable
{
    private readonly TempTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void AnchorsAndAliasesAreResolved()
    {
        var path = _tree.Write("agents/a.yaml", """
            name: a
            proposer: gp
            settings: &shared { exploration: 0.25, note: shared }
            budgets:
              cpu_seconds: &cpu 600
              gpu_seconds: *cpu
            """);

        var role = AgentRoleLoader.Load(path);

        Assert.Equal("0.25", role.Settings["exploration"]);
        Assert.Equal((600.0, 600.0), (role.CpuBudgetSeconds, role.GpuBudgetSeconds));
    }

    [Fact]
    public void QuotedNullIsAStringButPlainNullIsAbsent()
    {
        var quoted = AgentRoleLoader.Load(_tree.Write("agents/q.yaml", "name: q\nproposer: llm\nmodel: \"null\"\n"));
        var plain = AgentRoleLoader.Load(_tree.Write("agents/p.yaml", "name: p\nproposer: gp\nmodel: ~\n"));

        Assert.Equal("null", quoted.Model);
        Assert.Null(plain.Model);
    }

    [Fact]
    public void RequiredKeyWithNullValueIsReported()
    {
        var path = _tree.Write("agents/n.yaml", "name:\nproposer: gp\n");

        var e = Expect.Invalid(() => AgentRoleLoader.Load(path));

        var error = Expect.Error(e, path, "name", "is required but has no value");
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void MoreThanOneDocumentIsAnError()
    {
        var path = _tree.Write("agents/two.yaml", "name: a\nproposer: gp\n---\nname: b\n");

        var e = Expect.Invalid(() => AgentRoleLoader.Load(path));

        var error = Expect.Error(e, path, "(yaml)", "more than one YAML document");
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void UnknownAliasIsASyntaxError()
    {
        var path = _tree.Write("agents/alias.yaml", "name: a\nproposer: *nowhere\n");

        var e = Expect.Invalid(() => AgentRoleLoader.Load(path));

        var error = Assert.Single(e.Errors);
        Assert.Equal("(yaml)", error.Field);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void ExceptionNeedsErrorsAndListsThemOnePerLine()
    {
        Assert.Throws<ArgumentException>(() => new SpecValidationException([]));

        var e = new SpecValidationException([new SpecError("a.yaml", "name", "is required"), new SpecError("b.yaml", "x.y", "bad") { Line = 3, Column = 7 }]);

        Assert.Equal($"a.yaml: name: is required{Environment.NewLine}b.yaml: x.y: bad (line 3, column 7)", e.Message);
        Assert.Equal(2, e.Errors.Count);
    }
}
