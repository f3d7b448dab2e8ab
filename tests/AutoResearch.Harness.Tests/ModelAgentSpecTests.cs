namespace AutoResearch.Harness.Tests;

/// <summary>Roles and campaign agents driven by a language model: <c>proposer: llm</c>, <c>model</c> and <c>failover</c>.</summary>
public sealed class ModelAgentSpecTests : IDisposable
{
    private const string Researcher = """
        name: researcher
        proposer: llm
        model: local-qwen
        failover: [gpt-mini, azure-4o]
        settings: { fallback: tpe }
        budgets: { tokens: 200000 }
        """;

    private readonly TempTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void A_model_role_names_its_endpoint_and_failover_list_and_agents_inherit_or_override_them()
    {
        _tree.Write("agents/researcher.yaml", Researcher);
        var path = Specs.WriteCampaign(_tree, campaign: Specs.Campaign + """

              - id: llm-1
                role: researcher
              - id: llm-2
                role: researcher
                model: gpt-mini
                failover: [local-qwen]
            """);

        var spec = CampaignLoader.Load(path);

        var first = spec.Agents.Single(a => a.Id == "llm-1");
        Assert.Equal(("llm", "local-qwen"), (first.Proposer, first.Model));
        Assert.Equal(["gpt-mini", "azure-4o"], first.Failover);
        Assert.Equal(["local-qwen", "gpt-mini", "azure-4o"], first.Endpoints);
        Assert.Equal(200_000, first.TokenBudget);
        var second = spec.Agents.Single(a => a.Id == "llm-2");
        Assert.Equal(["gpt-mini", "local-qwen"], second.Endpoints);
    }

    [Fact]
    public void A_model_role_without_a_model_a_url_instead_of_a_name_and_a_repeated_failover_are_each_reported()
    {
        var path = _tree.Write("agents/r.yaml", "name: r\nproposer: llm\nfailover: [a, a, 'https://api.openai.com/v1']\n");

        var e = Expect.Invalid(() => AgentRoleLoader.Load(path));

        Expect.Error(e, path, "model", "is required for proposer 'llm'");
        Expect.Error(e, path, "failover[1]", "'a' is listed twice");
        Expect.Error(e, path, "failover[2]", "'https://api.openai.com/v1' is not an endpoint name");
    }

    [Fact]
    public void Built_in_optimizers_take_no_model_in_their_role_or_in_the_campaign()
    {
        var role = _tree.Write("agents/g.yaml", "name: g\nproposer: gp\nfailover: [x]\n");
        Expect.Error(Expect.Invalid(() => AgentRoleLoader.Load(role)), role, "failover", "only agents with proposer 'llm' use models");

        var path = Specs.WriteCampaign(_tree, campaign: Specs.Campaign.With("  - id: tpe-1\n    role: tpe-searcher", "  - id: tpe-1\n    role: tpe-searcher\n    model: gpt-mini"));
        Expect.Error(Expect.Invalid(() => CampaignLoader.Load(path)), path, "agents[1].model", "uses the built-in 'tpe' optimizer");
    }
}
