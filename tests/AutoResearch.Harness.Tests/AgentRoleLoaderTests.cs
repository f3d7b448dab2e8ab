namespace AutoResearch.Harness.Tests;

public sealed class AgentRoleLoaderTests : IDisposable
{
    private readonly TempTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void LoadsAValidRoleWithExactValues()
    {
        var path = _tree.Write("agents/explorer.yaml", Specs.Explorer);

        var role = AgentRoleLoader.Load(path);

        Assert.Equal("explorer", role.Name);
        Assert.Equal("Casts a wide net early.", role.Description);
        Assert.Equal("gp", role.Proposer);
        Assert.Null(role.Model);
        Assert.Equal(new Dictionary<string, string> { ["exploration"] = "0.3", ["kernel"] = "matern" }, role.Settings);
        Assert.Equal(100, role.TokenBudget);
        Assert.Equal(0, role.GpuBudgetSeconds);
        Assert.Equal(3600, role.CpuBudgetSeconds);
        Assert.Equal(path, role.SourceFile);
    }

    [Fact]
    public void ProposerIsCheckedAgainstTheKnownStrategies()
    {
        var path = _tree.Write("agents/x.yaml", "name: x\nproposer: tpee\n");

        var e = Expect.Invalid(() => AgentRoleLoader.Load(path));
        Expect.Error(e, path, "proposer", "unknown strategy 'tpee' (did you mean 'tpe'?); known: gp, tpe, random");

        var custom = AgentRoleLoader.Load(path, ["tpee", "llm"]);
        Assert.Equal("tpee", custom.Proposer);
    }

    [Fact]
    public void CollectsEveryErrorOfARoleFile()
    {
        var path = _tree.Write("agents/bad.yaml", """
            name: Bad Role
            proposer: gp
            modle: gpt
            settings: { exploration: 1.5, nested: { a: 1 }, empty: null }
            budgets: { tokens: 1.5, cpu_seconds: -1, wall_seconds: 3 }
            """);

        var e = Expect.Invalid(() => AgentRoleLoader.Load(path));

        Assert.Equal(8, e.Errors.Count);
        Expect.Error(e, path, "name", "is not valid");
        Expect.Error(e, path, "modle", "did you mean 'model'?");
        Expect.Error(e, path, "settings.exploration", "must be a number from 0 to 1, not '1.5'");
        Expect.Error(e, path, "settings.nested", "settings must be single values, not a map");
        Expect.Error(e, path, "settings.empty", "has no value");
        Expect.Error(e, path, "budgets.tokens", "must be a whole number");
        Expect.Error(e, path, "budgets.cpu_seconds", "must be 0 or more");
        Expect.Error(e, path, "budgets.wall_seconds", "unknown key");
    }

    [Theory]
    [InlineData("exploration: -0.1", "settings.exploration", "must be a number from 0 to 1, not '-0.1'")]
    [InlineData("gamma: 1", "settings.gamma", "must be a number between 0 and 1")]
    [InlineData("n_init: 2.5", "settings.n_init", "must be a whole number of at least 1")]
    [InlineData("candidates: 0", "settings.candidates", "must be a whole number of at least 1")]
    [InlineData("max_rejections: 0", "settings.max_rejections", "must be a whole number from 1 to 100000 (a model agent's rejection allowance or back-off, in proposals), not '0'")]
    [InlineData("backoff_after: two", "settings.backoff_after", "must be a whole number from 1 to 100000")]
    public void KnownSettingsAreRangeChecked(string setting, string field, string message)
    {
        var path = _tree.Write("agents/s.yaml", $"name: s\nproposer: gp\nsettings: {{ {setting} }}\n");

        var e = Expect.Invalid(() => AgentRoleLoader.Load(path));

        Expect.Error(e, path, field, message);
        Assert.Single(e.Errors);
    }

    [Fact]
    public void ValidKnownSettingsAndUnknownSettingsPassAsText()
    {
        var path = _tree.Write("agents/s.yaml", "name: s\nproposer: tpe\nsettings: { gamma: 0.25, candidates: 48, n_init: 6, exploration: 0, custom: anything }\n");

        var role = AgentRoleLoader.Load(path);

        Assert.Equal(["0.25", "48", "6", "0", "anything"], role.Settings.Values);
    }
}
