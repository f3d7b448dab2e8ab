using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace AutoResearch.Web.Tests;

/// <summary>
/// Steering a running campaign (issue 17): stop one experiment, change its limits, try a configuration next — through the
/// HTTP API, the CLI and the console's forms, applied by the campaign running in the console's silo on real sandboxes.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class SteeringTests(ConsoleFactory console)
{
    private static readonly TimeSpan StateTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ProposalTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromMinutes(3);

    private ILedger Ledger => console.Services.GetRequiredService<ILedger>();

    [Fact]
    public async Task New_limits_are_in_force_at_once_and_shown_and_bad_limits_are_refused_naming_the_field()
    {
        await WithRunningCampaignAsync("steer-limits", async (client, id) =>
        {
            await AssertProblemAsync(client, $"/api/campaigns/{id}/limits", new { maxExperiments = 0 }, HttpStatusCode.BadRequest, "maxExperiments", "must be from 1 to");
            await AssertProblemAsync(client, $"/api/campaigns/{id}/limits", new { slots = 0 }, HttpStatusCode.BadRequest, "slots", "at least 1");
            await AssertProblemAsync(client, $"/api/campaigns/{id}/limits", new { deadline = "2020-01-01 07:00" }, HttpStatusCode.BadRequest, "deadline", "in the past");
            await AssertProblemAsync(client, $"/api/campaigns/{id}/limits", new { }, HttpStatusCode.BadRequest, "limits", "at least one of deadline, max_experiments, slots");
            // Above the fleet's slots: only the campaign's host knows the fleet; it refuses, naming the field.
            await AssertProblemAsync(client, $"/api/campaigns/{id}/limits", new { slots = 999 }, HttpStatusCode.Conflict, null, "slots 999 is more than the fleet's");

            var applied = await PostOkAsync(client, $"/api/campaigns/{id}/limits", new { maxExperiments = 300, deadline = "in 2h", reason = "longer night" });
            Assert.Equal(("limits", "applied"), (applied.GetProperty("action").GetString(), applied.GetProperty("status").GetString()));
            Assert.Contains("max_experiments 400 → 300", applied.GetProperty("outcome").GetString(), StringComparison.Ordinal);

            var detail = await client.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}");
            Assert.Equal(300, detail.GetProperty("campaign").GetProperty("maxExperiments").GetInt32());
            var deadline = detail.GetProperty("campaign").GetProperty("deadline").GetDateTimeOffset();
            Assert.InRange(deadline, DateTimeOffset.UtcNow.AddMinutes(110), DateTimeOffset.UtcNow.AddMinutes(121));
            Assert.Equal(deadline, (await Ledger.GetCampaignAsync(id))!.Deadline);
            var journal = await client.GetStringAsync($"/api/campaigns/{id}/journal");
            Assert.Contains("Campaign limits changed by console", journal, StringComparison.Ordinal);

            // Fewer experiments than already run is refused.
            await WaitUntilAsync(async () => (await Ledger.GetExperimentsAsync(id)).Count(e => e.IsFinished) >= 2, StateTimeout, "two finished experiments");
            await AssertProblemAsync(client, $"/api/campaigns/{id}/limits", new { maxExperiments = 1 }, HttpStatusCode.BadRequest, "maxExperiments", "is below the");
        });
    }

    [Fact]
    public async Task A_configuration_queued_through_the_api_is_the_agents_next_proposal_and_bad_values_are_refused_per_parameter()
    {
        await WithRunningCampaignAsync("steer-try", async (client, id) =>
        {
            using (var bad = await client.PostAsJsonAsync($"/api/campaigns/{id}/configurations", new { parameters = new { x1 = 99, nope = "1" } }))
            {
                Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
                var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
                Assert.Contains("outside [-5, 10]", errors.GetProperty("parameters[x1]")[0].GetString(), StringComparison.Ordinal);
                Assert.Contains("not declared by benchmark branin", errors.GetProperty("parameters[nope]")[0].GetString(), StringComparison.Ordinal);
            }
            await AssertProblemAsync(client, $"/api/campaigns/{id}/configurations", new { parameters = new { } }, HttpStatusCode.BadRequest, "parameters", "give at least one parameter value");
            await AssertProblemAsync(client, $"/api/campaigns/{id}/configurations", new { parameters = new { x1 = 1 }, agent = "nobody" }, HttpStatusCode.BadRequest, "agent", "no agent 'nobody'");

            var queued = await PostOkAsync(client, $"/api/campaigns/{id}/configurations", new { parameters = new { x1 = 3.14, x2 = "2.275" }, agent = "random-1", reason = "near an optimum" });
            Assert.Equal(("random-1", "queued as agent random-1's next proposal"), (queued.GetProperty("agent").GetString(), queued.GetProperty("outcome").GetString()));

            var person = await WaitForAsync(async () => (await Ledger.GetExperimentsAsync(id)).FirstOrDefault(e => e.Origin == ProposalOrigin.Person), ProposalTimeout, "the person's proposal in the ledger");
            Assert.Equal(("random-1", "person", "3.14", "2.275"), (person.AgentId, person.ProposerName, person.Parameters["x1"].Text, person.Parameters["x2"].Text));
            var finished = await WaitForAsync(async () => await Ledger.GetExperimentAsync(person.Id) is { IsFinished: true } e ? e : null, ProposalTimeout, "the person's experiment to finish");
            Assert.Equal(ExperimentStatus.Succeeded, finished.Status);
            var journal = await client.GetStringAsync($"/api/campaigns/{id}/journal");
            Assert.Contains("Configuration from console", journal, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task One_running_experiment_is_stopped_through_the_api_recorded_as_stopped_by_a_person_and_the_campaign_goes_on()
    {
        await WithRunningCampaignAsync("steer-stop", async (client, id) =>
        {
            await AssertProblemAsync(client, $"/api/campaigns/{id}/experiments/9999/stop", new { }, HttpStatusCode.BadRequest, "experiment", "has no experiment '9999'");
            var done = await WaitForAsync(async () => (await Ledger.GetExperimentsAsync(id)).FirstOrDefault(e => e.IsFinished), StateTimeout, "a finished experiment");
            await AssertProblemAsync(client, $"/api/campaigns/{id}/experiments/{done.Sequence}/stop", new { }, HttpStatusCode.BadRequest, "experiment", "has already finished");

            // Catch one while it runs (a branin run takes a second or two): a stop that lands after it finished changes nothing.
            ExperimentRecord? stopped = null;
            var until = DateTime.UtcNow + StopTimeout;
            while (stopped is null && DateTime.UtcNow < until)
            {
                var running = await WaitForAsync(async () => (await Ledger.GetExperimentsAsync(id)).FirstOrDefault(e => e.Status == ExperimentStatus.Running), StateTimeout, "a running experiment");
                using var response = await client.PostAsJsonAsync($"/api/campaigns/{id}/experiments/{running.Sequence}/stop", new { reason = "wrong direction" });
                var text = await response.Content.ReadAsStringAsync();
                // It may finish between being read as running and the stop reaching the operation: refused, try the next one.
                if (response.StatusCode == HttpStatusCode.BadRequest && text.Contains("has already finished", StringComparison.Ordinal)) continue;
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
                Assert.Equal("stop-experiment", JsonDocument.Parse(text).RootElement.GetProperty("action").GetString());
                var after = await WaitForAsync(async () => await Ledger.GetExperimentAsync(running.Id) is { IsFinished: true } e ? e : null, StateTimeout, $"experiment #{running.Sequence} to end");
                if (after.Failure == FailureKind.StoppedByPerson) stopped = after;
            }
            Assert.True(stopped is not null, $"no running experiment was caught and stopped within {StopTimeout}");
            Assert.Equal(ExperimentStatus.Failed, stopped.Status);
            Assert.StartsWith("stopped by console (", stopped.Reason, StringComparison.Ordinal);
            Assert.EndsWith("): wrong direction", stopped.Reason, StringComparison.Ordinal);

            // The campaign goes on: its agents run more experiments after the stopped one.
            await WaitUntilAsync(async () => (await Ledger.GetExperimentsAsync(id)).Any(e => e.Sequence > stopped.Sequence && e.IsFinished), StateTimeout, "an experiment after the stopped one");
            var detail = await client.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/experiments/{stopped.Sequence}");
            Assert.Contains("stopped by a person", detail.ToString(), StringComparison.Ordinal);
        }, benchmark: "digits-mlp"); // runs of seconds: a stop lands while one runs (a branin run is shorter than the 1 s control poll)
    }

    [Fact]
    public async Task The_cli_changes_limits_and_queues_a_configuration_and_names_the_option_of_bad_input()
    {
        await WithRunningCampaignAsync("steer-cli", async (client, id) =>
        {
            var (badSlots, badSlotsText) = await CliAsync("limits", id, "--slots", "0");
            Assert.Equal(2, badSlots);
            Assert.Contains("--slots: slots must be at least 1", badSlotsText, StringComparison.Ordinal);
            var (badDeadline, badDeadlineText) = await CliAsync("limits", id, "--deadline", "2020-01-01 07:00");
            Assert.Equal(2, badDeadline);
            Assert.Contains("--deadline: ", badDeadlineText, StringComparison.Ordinal);
            var (badSet, badSetText) = await CliAsync("try", id, "--set", "x1=99", "--set", "nope=1");
            Assert.Equal(2, badSet);
            Assert.Contains("--set x1: parameter 'x1'=99 is outside", badSetText, StringComparison.Ordinal);
            Assert.Contains("--set nope: parameter 'nope' is not declared", badSetText, StringComparison.Ordinal);
            var (badRun, badRunText) = await CliAsync("stop-experiment", id, "9999");
            Assert.Equal(2, badRun);
            Assert.Contains("experiment: campaign", badRunText, StringComparison.Ordinal);

            var (limits, limitsText) = await CliAsync("limits", id, "--max-experiments", "250", "--reason", "cli test");
            Assert.True(limits == 0, limitsText);
            Assert.Contains($"campaign {id}: max_experiments 400 → 250", limitsText, StringComparison.Ordinal);
            var (tried, triedText) = await CliAsync("try", id, "--set", "x1=1.5,x2=2", "--agent", "random-1");
            Assert.True(tried == 0, triedText);
            Assert.Contains("queued as agent random-1's next proposal", triedText, StringComparison.Ordinal);

            var detail = await client.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}");
            Assert.Equal(250, detail.GetProperty("campaign").GetProperty("maxExperiments").GetInt32());
            var person = await WaitForAsync(async () => (await Ledger.GetExperimentsAsync(id)).FirstOrDefault(e => e.Origin == ProposalOrigin.Person), ProposalTimeout, "the CLI's configuration as a proposal");
            Assert.Equal(("1.5", "2"), (person.Parameters["x1"].Text, person.Parameters["x2"].Text));
        });
    }

    [Fact]
    public async Task The_console_forms_change_limits_and_queue_a_configuration_with_red_banners_for_bad_input()
    {
        await WithRunningCampaignAsync("steer-forms", async (api, id) =>
        {
            using var admin = await console.SignedInClientAsync();
            var page = await admin.GetStringAsync($"/campaigns/{id}");
            Assert.Contains("id=\"limits-form\"", page, StringComparison.Ordinal);
            Assert.Contains("id=\"try-form\"", page, StringComparison.Ordinal);
            var token = await ConsoleFactory.AntiforgeryTokenAsync(admin, $"/campaigns/{id}");

            var (badKind, badText) = await PostFormAsync(admin, $"/campaigns/{id}?handler=Limits", token, new() { ["Limits.Slots"] = "0", ["Limits.MaxExperiments"] = "many" });
            Assert.Equal(" flash-error", badKind);
            Assert.Contains("most experiments: &#x27;many&#x27; is not a whole number.", badText, StringComparison.Ordinal);
            Assert.Contains("Slots: slots must be at least 1", badText, StringComparison.Ordinal);

            var (okKind, okText) = await PostFormAsync(admin, $"/campaigns/{id}?handler=Limits", token, new() { ["Limits.MaxExperiments"] = "320" });
            Assert.Equal("", okKind);
            Assert.Contains("Limits applied: max_experiments 400 ", okText, StringComparison.Ordinal);

            var (badTry, badTryText) = await PostFormAsync(admin, $"/campaigns/{id}?handler=Try", token, new() { ["Try.Parameters"] = "x1=abc\nx2" });
            Assert.Equal(" flash-error", badTry);
            Assert.Contains("&#x27;x2&#x27; is not name=value", badTryText, StringComparison.Ordinal);
            Assert.Contains("Parameters[x1]: parameter &#x27;x1&#x27;=&#x27;abc&#x27; is not a number", badTryText, StringComparison.Ordinal);

            var (tryKind, tryText) = await PostFormAsync(admin, $"/campaigns/{id}?handler=Try", token, new() { ["Try.Parameters"] = "x1=-2\nx2=9", ["Try.Agent"] = "explorer-1" });
            Assert.Equal("", tryKind);
            Assert.Contains("queued as agent explorer-1", tryText, StringComparison.Ordinal);

            // The experiment page offers a stop only while the experiment is queued or running.
            var finished = await WaitForAsync(async () => (await Ledger.GetExperimentsAsync(id)).FirstOrDefault(e => e.IsFinished), StateTimeout, "a finished experiment");
            Assert.DoesNotContain("id=\"stop-experiment\"", await admin.GetStringAsync($"/campaigns/{id}/experiments/{finished.Sequence}"), StringComparison.Ordinal);
            var (stopKind, stopText) = await PostFormAsync(admin, $"/campaigns/{id}/experiments/{finished.Sequence}?handler=Stop", token, new() { ["reason"] = "late" });
            Assert.Equal(" flash-error", stopKind);
            Assert.Contains("Experiment: experiment #", stopText, StringComparison.Ordinal);
            Assert.Contains("has already finished", stopText, StringComparison.Ordinal);
        });
    }

    /// <summary>Starts a branin campaign through the API (slots 1, 400 experiments, 30 minutes), runs <paramref name="test"/> on it and stops it.</summary>
    private async Task WithRunningCampaignAsync(string name, Func<HttpClient, string, Task> test, string benchmark = "branin")
    {
        using var client = console.TokenClient();
        var id = await StartAsync(client, name, benchmark);
        try
        {
            await test(client, id);
        }
        finally
        {
            await StopAsync(client, id);
        }
    }

    private static async Task<string> StartAsync(HttpClient client, string name, string benchmark)
    {
        using var created = await client.PostAsJsonAsync("/api/campaigns", new
        {
            name,
            benchmark,
            deadline = "in 30m",
            maxExperiments = 400,
            slots = 1,
            agents = new object[] { new { role = "random" }, new { role = "explorer" } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("campaign").GetProperty("id").GetString()!;
        await ConsoleFactory.WaitForStateAsync(client, id, StateTimeout, "Running");
        return id;
    }

    private static async Task StopAsync(HttpClient client, string id)
    {
        using var response = await client.PostAsJsonAsync($"/api/campaigns/{id}/controls", new { action = "stop", reason = "test over" });
        await ConsoleFactory.WaitForStateAsync(client, id, StateTimeout, "Stopped", "Completed");
    }

    private static async Task<JsonElement> PostOkAsync(HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private static async Task AssertProblemAsync(HttpClient client, string path, object body, HttpStatusCode status, string? field, string text)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{path}: {(int)response.StatusCode} {raw}");
        var problem = JsonDocument.Parse(raw).RootElement;
        var message = field is null ? problem.GetProperty("detail").GetString()! : problem.GetProperty("errors").GetProperty(field)[0].GetString()!;
        Assert.Contains(text, message, StringComparison.Ordinal);
    }

    /// <summary>Posts a console form and reads the banner of the page it redirects to: its kind ("" or " flash-error") and text.</summary>
    private static async Task<(string Kind, string Text)> PostFormAsync(HttpClient client, string path, string token, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = token;
        using var posted = await client.PostAsync(path, new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var page = await client.GetStringAsync(posted.Headers.Location!.ToString());
        var banner = Banner().Match(page);
        Assert.True(banner.Success, $"no banner after {path}");
        return (banner.Groups[1].Value, banner.Groups[2].Value);
    }

    /// <summary>Runs an <c>autoresearch</c> command in-process on the console's data folder (steering commands wait 20 s for the answer).</summary>
    private Task<(int Exit, string Output)> CliAsync(params string[] args) =>
        // Every steering command waits for the campaign's answer; status only reads.
        InProcessCli.RunAsync([.. args, "--data", console.DataDirectory, .. args[0] == "status" ? Array.Empty<string>() : ["--wait", "20"]]);

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what) where T : class
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } found) return found;
            if (DateTime.UtcNow > until) throw new TimeoutException($"{what}: not within {timeout}");
            await Task.Delay(200);
        }
    }

    private static Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        WaitForAsync(async () => await condition() ? "yes" : null, timeout, what);

    [GeneratedRegex("<p class=\"flash([^\"]*)\" role=\"\\w+\">([^<]*)</p>")]
    private static partial Regex Banner();
}
