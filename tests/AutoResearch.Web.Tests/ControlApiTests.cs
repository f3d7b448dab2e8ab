using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace AutoResearch.Web.Tests;

/// <summary>Pause, resume, budget and stop through the API, applied by the campaign running in the console's silo.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ControlApiTests(ConsoleFactory console)
{
    [Fact]
    public async Task A_running_campaign_is_paused_resumed_given_a_budget_and_stopped()
    {
        using var client = console.TokenClient();
        using var created = await client.PostAsJsonAsync("/api/campaigns", new
        {
            name = "api-controls",
            benchmark = "branin",
            deadline = "in 30m",
            maxExperiments = 400,
            slots = 1,
            agents = new object[] { new { role = "random" }, new { role = "explorer" } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("campaign").GetProperty("id").GetString()!;
        Assert.EndsWith(id, created.Headers.Location!.ToString(), StringComparison.Ordinal);

        // Refused before anything is queued.
        await AssertProblemAsync(client, id, new { action = "explode" }, HttpStatusCode.BadRequest, "action", "not an action");
        await AssertProblemAsync(client, id, new { action = "pause", agent = "nobody" }, HttpStatusCode.BadRequest, "agent", "no agent 'nobody'");
        await AssertProblemAsync(client, id, new { action = "budget" }, HttpStatusCode.BadRequest, "budget", "at least one of");
        await AssertProblemAsync(client, id, new { action = "budget", cpuSeconds = -1 }, HttpStatusCode.BadRequest, "budget", "0 (no limit) or positive");

        var paused = await ControlAsync(client, id, new { action = "pause", reason = "checking the cluster" });
        Assert.Equal("applied", paused.GetProperty("status").GetString());
        await ConsoleFactory.WaitForStateAsync(client, id, TimeSpan.FromSeconds(30), "Paused");

        Assert.Equal("applied", (await ControlAsync(client, id, new { action = "resume" })).GetProperty("status").GetString());
        await ConsoleFactory.WaitForStateAsync(client, id, TimeSpan.FromSeconds(30), "Running");

        var budget = await ControlAsync(client, id, new { action = "budget", agent = "random-1", cpuSeconds = 7200 });
        Assert.Equal("applied", budget.GetProperty("status").GetString());
        var detail = await client.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}");
        Assert.Equal(7200, detail.GetProperty("agents").EnumerateArray().Single(a => a.GetProperty("id").GetString() == "random-1").GetProperty("cpuBudgetSeconds").GetDouble());
        // A running campaign's page carries the cluster's sandboxes: here one host (this machine), its slots the sum.
        var fleet = detail.GetProperty("fleet");
        var host = Assert.Single(fleet.GetProperty("hosts").EnumerateArray());
        Assert.Equal(Environment.MachineName, host.GetProperty("host").GetString());
        Assert.Equal(host.GetProperty("slots").GetInt32(), fleet.GetProperty("slots").GetInt32());

        // A top-up adds to the limit in force; a resource without a limit has nothing to top up.
        Assert.Equal("applied", (await ControlAsync(client, id, new { action = "budget", agent = "random-1", cpuSeconds = 3600, topUp = true })).GetProperty("status").GetString());
        detail = await client.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}");
        Assert.Equal(10800, detail.GetProperty("agents").EnumerateArray().Single(a => a.GetProperty("id").GetString() == "random-1").GetProperty("cpuBudgetSeconds").GetDouble());
        await AssertProblemAsync(client, id, new { action = "budget", agent = "random-1", gpuSeconds = 60, topUp = true }, HttpStatusCode.BadRequest, "budget", "no GPU limit to top up");

        Assert.Equal("applied", (await ControlAsync(client, id, new { action = "stop", reason = "enough" })).GetProperty("status").GetString());
        await ConsoleFactory.WaitForStateAsync(client, id, TimeSpan.FromSeconds(60), "Stopped");
        await AssertProblemAsync(client, id, new { action = "resume" }, HttpStatusCode.Conflict, null, "nothing left to control");

        var journal = await client.GetStringAsync($"/api/campaigns/{id}/journal");
        Assert.Contains("checking the cluster", journal, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync("/api/campaigns/nope/controls", new { action = "stop" })).StatusCode);

        // A stopped campaign cannot be resumed here either; an unknown one is not found.
        using var resume = await client.PostAsync($"/api/campaigns/{id}/resume-here", null);
        Assert.Equal(HttpStatusCode.Conflict, resume.StatusCode);
        Assert.Contains("only an unfinished campaign", await resume.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/campaigns/nope/resume-here", null)).StatusCode);
    }

    private static async Task<JsonElement> ControlAsync(HttpClient client, string id, object body)
    {
        using var response = await client.PostAsJsonAsync($"/api/campaigns/{id}/controls", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private static async Task AssertProblemAsync(HttpClient client, string id, object body, HttpStatusCode status, string? field, string text)
    {
        using var response = await client.PostAsJsonAsync($"/api/campaigns/{id}/controls", body);
        Assert.Equal(status, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var message = field is null ? problem.GetProperty("detail").GetString()! : problem.GetProperty("errors").GetProperty(field)[0].GetString()!;
        Assert.Contains(text, message, StringComparison.Ordinal);
    }
}
