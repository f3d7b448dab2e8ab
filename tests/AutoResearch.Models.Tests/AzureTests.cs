using AutoResearch.Abstractions.Models;
using AutoResearch.Testing.OpenAi;

namespace AutoResearch.Models.Tests;

/// <summary>Azure OpenAI through its own SDK (Semantic Kernel's Azure connector) on the deployment path of the scripted server.</summary>
public sealed class AzureTests
{
    private static ModelRequest Ask(string campaign, params string[] endpoints) => new()
    {
        CampaignId = campaign,
        AgentId = "llm-1",
        ExperimentId = campaign + "-0001",
        Purpose = "propose",
        Endpoints = endpoints,
        Messages = [new ModelMessage(ModelRole.System, "You are a test."), new ModelMessage(ModelRole.User, "Say hi.")],
        MaxOutputTokens = 64,
    };

    private static Dictionary<string, string?> AzureEndpoint(string name, string deployment, string? apiVersion) => new()
    {
        [$"AutoResearch:Models:Endpoints:{name}:Provider"] = "azure",
        // The resource endpoint: the SDK adds /openai/deployments/{deployment}/chat/completions?api-version=….
        [$"AutoResearch:Models:Endpoints:{name}:BaseUrl"] = "{root}",
        [$"AutoResearch:Models:Endpoints:{name}:Model"] = "gpt-4o",
        [$"AutoResearch:Models:Endpoints:{name}:Deployment"] = deployment,
        [$"AutoResearch:Models:Endpoints:{name}:ApiVersion"] = apiVersion,
        [$"AutoResearch:Models:Endpoints:{name}:ApiKeyVariable"] = "{keyvar}",
        [$"AutoResearch:Models:Endpoints:{name}:Timeout"] = "00:00:05",
    };

    [Fact]
    public async Task An_azure_endpoint_is_called_on_its_deployment_path_with_the_api_version_and_the_api_key_header_and_its_usage_is_metered()
    {
        await using var h = await ModelHarness.StartAsync(extra: AzureEndpoint("azure-a", "research-deploy", "2024-10-21"));
        h.Server.For("research-deploy").Enqueue(ScriptedReply.Text("hi from azure", promptTokens: 31, completionTokens: 4));

        var reply = await h.Gateway.CompleteAsync(Ask("az1", "azure-a"), CancellationToken.None);

        Assert.Equal(("hi from azure", "azure-a", "gpt-4o", 31L, 4L), (reply.Text, reply.Endpoint, reply.Model, reply.PromptTokens, reply.CompletionTokens));
        var request = Assert.Single(h.Server.Requests);
        Assert.Equal("/openai/deployments/research-deploy/chat/completions", request.Path);
        Assert.Equal(("research-deploy", "2024-10-21"), (request.Deployment, request.ApiVersion));
        // Azure keys travel in the api-key header, not as a bearer token.
        Assert.Equal(h.Key, request.Headers["api-key"]);
        Assert.Null(request.Authorization);
        Assert.Equal(["system", "user"], request.Messages.Select(m => m.Role));
        var call = Assert.Single(await h.Ledger.GetModelCallsAsync("az1"));
        Assert.Equal(("azure-a", "gpt-4o", 35L, "ok"), (call.Provider, call.Model, call.TotalTokens, call.Outcome));
    }

    [Fact]
    public async Task An_llm_agent_on_azure_gets_the_proposal_schema_as_response_format_on_the_deployment_path()
    {
        await using var h = await ModelHarness.StartAsync(extra: AzureEndpoint("azure-a", "research-deploy", "2025-04-01-preview"));
        h.Server.For("research-deploy").Enqueue(ScriptedReply.Text(
            """{"hypothesis": "Lower lr", "rationale": "r", "expected_effect": "e", "parameters": {"lr": 0.0005}, "edits": ""}""", 700, 30));
        var agent = new AutoResearch.Abstractions.Specs.AgentSpec { Id = "llm-1", Role = "researcher", Proposer = "llm", Model = "azure-a", Settings = new() { ["fallback"] = "tpe" } };

        var proposal = await h.Proposers.Create(agent).ProposeAsync(new AutoResearch.Abstractions.Ports.ProposalContext
        {
            Benchmark = Repo.Benchmark("tiny-lm"), History = [], Seed = 1, Round = 0, CampaignId = "az3", AgentId = "llm-1", ExperimentId = "az3-0001",
        }, CancellationToken.None);

        Assert.Null(proposal.Rejection);
        Assert.Equal(("0.0005", "azure-a (gpt-4o)"), (proposal.Parameters["lr"].Text, proposal.Model));
        var request = Assert.Single(h.Server.Requests);
        Assert.Equal(("/openai/deployments/research-deploy/chat/completions", "2025-04-01-preview"), (request.Path, request.ApiVersion));
        Assert.Equal("json_schema", request.ResponseFormatType);
        Assert.Contains("\"strict\":true", request.ResponseFormatJson!.Replace(" ", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failing_azure_deployment_fails_over_to_an_openai_compatible_endpoint()
    {
        await using var h = await ModelHarness.StartAsync(maxRetries: 1, extra: AzureEndpoint("azure-a", "broken-deploy", null));
        h.Server.For("broken-deploy").Enqueue(ScriptedReply.Status(503, "deployment overloaded"), ScriptedReply.Status(503, "deployment overloaded"));
        h.Server.For("gpt-b").Enqueue(ScriptedReply.Text("from b", 7, 3));

        var reply = await h.Gateway.CompleteAsync(Ask("az2", "azure-a", "model-b"), CancellationToken.None);

        Assert.Equal(("from b", "model-b"), (reply.Text, reply.Endpoint));
        Assert.Contains("azure-a: HTTP 503", Assert.Single(reply.FailedOver));
        Assert.Equal(2, h.Server.Requests.Count(r => r.Deployment == "broken-deploy"));
        Assert.All(h.Server.Requests.Where(r => r.Deployment is not null), r => Assert.False(string.IsNullOrEmpty(r.ApiVersion)));
    }

    [Fact]
    public void Azure_settings_are_validated_naming_the_setting()
    {
        var options = new ModelOptions
        {
            Endpoints = new(StringComparer.Ordinal)
            {
                ["az"] = new() { Provider = "azure", BaseUrl = "https://r.openai.azure.com/", Model = "gpt-4o", ApiVersion = "1999-01-01", Authentication = "password" },
                ["v1"] = new() { Provider = "azure", BaseUrl = "https://r.openai.azure.com/openai/v1/", Model = "gpt-4o", Authentication = "entra" },
            },
        };

        var problems = options.Validate();

        Assert.Contains(problems, p => p.Contains("Endpoints:az:ApiVersion '1999-01-01'", StringComparison.Ordinal) && p.Contains("2024-10-21", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Endpoints:az:Authentication 'password'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Endpoints:v1:Authentication 'entra' needs provider 'azure'", StringComparison.Ordinal));
        Assert.Equal(3, problems.Count);
    }

    [Fact]
    public async Task An_entra_id_endpoint_needs_no_key_to_be_usable()
    {
        var extra = AzureEndpoint("azure-e", "d", null);
        extra["AutoResearch:Models:Endpoints:azure-e:Authentication"] = "entra";
        await using var h = await ModelHarness.StartAsync(extra: extra);

        Assert.Null(h.Gateway.WhyNotUsable("azure-e"));
    }
}
