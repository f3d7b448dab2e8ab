using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;
using Microsoft.Extensions.DependencyInjection;

namespace AutoResearch.Web.Tests;

/// <summary>
/// Approve-before-run (issue 17) through the HTTP API, the console's live page and the CLI: a branin campaign whose every
/// experiment is over its <c>approval:</c> threshold, run by the console's silo on real sandboxes.
/// </summary>
public sealed partial class SteeringTests
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task An_awaiting_experiment_is_shown_approved_through_the_api_and_runs_and_one_is_rejected_from_the_live_page()
    {
        await WithAwaitingCampaignAsync("approve-api", async (client, id) =>
        {
            var waiting = await AwaitingAsync(id, 0, "an experiment awaiting approval");
            var detail = await client.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}");
            Assert.True(detail.GetProperty("awaitingApprovalCount").GetInt32() >= 1, detail.ToString());
            Assert.Equal(JsonValueKind.String, detail.GetProperty("awaitingApprovalSince").ValueKind);
            using var admin = await console.SignedInClientAsync();
            var page = await admin.GetStringAsync($"/campaigns/{id}");
            Assert.Contains("data-can-steer=\"1\"", page, StringComparison.Ordinal);
            Assert.Matches("id=\"awaiting-approval\" role=\"status\" >", page);

            await AssertProblemAsync(client, $"/api/campaigns/{id}/experiments/9999/approve", HttpStatusCode.BadRequest, "experiment", "has no experiment '9999'");
            var approved = await PostOkAsync(client, $"/api/campaigns/{id}/experiments/{waiting.Sequence}/approve", new { reason = "worth it" });
            Assert.Equal(("approve", "applied"), (approved.GetProperty("action").GetString(), approved.GetProperty("status").GetString()));
            var ran = await WaitForAsync(async () => await Ledger.GetExperimentAsync(waiting.Id) is { IsFinished: true } e ? e : null, RunTimeout, $"approved #{waiting.Sequence} to run");
            Assert.Equal(ExperimentStatus.Succeeded, ran.Status);
            await AssertProblemAsync(client, $"/api/campaigns/{id}/experiments/{waiting.Sequence}/reject", HttpStatusCode.BadRequest, "experiment", "is not awaiting approval (it is succeeded)");
            var journal = await client.GetStringAsync($"/api/campaigns/{id}/journal");
            Assert.Contains($"Experiment #{waiting.Sequence} approved by console (", journal, StringComparison.Ordinal);

            // The live page's Reject button (its Decide handler).
            var next = await AwaitingAsync(id, waiting.Sequence, "the next experiment awaiting approval");
            var token = await ConsoleFactory.AntiforgeryTokenAsync(admin, $"/campaigns/{id}");
            var (kind, text) = await PostFormAsync(admin, $"/campaigns/{id}?handler=Decide", token,
                new() { ["sequence"] = next.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), ["decision"] = "reject", ["reason"] = "not tonight" });
            Assert.Equal("", kind);
            Assert.Contains($"Rejection of #{next.Sequence} applied", text, StringComparison.Ordinal);
            var rejected = await WaitForAsync(async () => await Ledger.GetExperimentAsync(next.Id) is { IsFinished: true } e ? e : null, StateTimeout, $"rejected #{next.Sequence} recorded");
            Assert.Equal((ExperimentStatus.Failed, FailureKind.RejectedByPerson), (rejected.Status, rejected.Failure));
            Assert.EndsWith("): not tonight", rejected.Reason, StringComparison.Ordinal);
            var (badKind, badText) = await PostFormAsync(admin, $"/campaigns/{id}?handler=Decide", token,
                new() { ["sequence"] = next.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), ["decision"] = "reject" });
            Assert.Equal(" flash-error", badKind);
            Assert.Contains("is not awaiting approval", badText, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task The_cli_shows_what_awaits_approves_and_rejects_and_names_a_bad_experiment()
    {
        await WithAwaitingCampaignAsync("approve-cli", async (_, id) =>
        {
            var first = await AwaitingAsync(id, 0, "an experiment awaiting approval");
            var (statusExit, statusText) = await CliAsync("status", id);
            Assert.True(statusExit == 0, statusText);
            Assert.Contains("experiment(s) awaiting approval since", statusText, StringComparison.Ordinal);

            var (bad, badText) = await CliAsync("approve", id, "9999");
            Assert.Equal(2, bad);
            Assert.Contains("experiment: campaign", badText, StringComparison.Ordinal);

            var (rejectExit, rejectText) = await CliAsync("reject", id, first.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), "--reason", "cli test");
            Assert.True(rejectExit == 0, rejectText);
            Assert.Contains($"experiment #{first.Sequence} rejected", rejectText, StringComparison.Ordinal);
            var rejected = await WaitForAsync(async () => await Ledger.GetExperimentAsync(first.Id) is { IsFinished: true } e ? e : null, StateTimeout, $"rejected #{first.Sequence} recorded");
            Assert.Equal(FailureKind.RejectedByPerson, rejected.Failure);

            var second = await AwaitingAsync(id, first.Sequence, "the next experiment awaiting approval");
            var (approveExit, approveText) = await CliAsync("approve", id, second.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(approveExit == 0, approveText);
            Assert.Contains($"experiment #{second.Sequence} approved", approveText, StringComparison.Ordinal);
            var ran = await WaitForAsync(async () => await Ledger.GetExperimentAsync(second.Id) is { IsFinished: true } e ? e : null, RunTimeout, $"approved #{second.Sequence} to run");
            Assert.Equal(ExperimentStatus.Succeeded, ran.Status);
        });
    }

    /// <summary>Starts a branin campaign through the API (slots 1, 30 minutes) with <c>approvalCpuHoursOver: 0</c>: every experiment waits for a person.</summary>
    private async Task WithAwaitingCampaignAsync(string name, Func<HttpClient, string, Task> test)
    {
        using var client = console.TokenClient();
        using (var bad = await client.PostAsJsonAsync("/api/campaigns", new { name, benchmark = "branin", deadline = "in 30m", maxExperiments = 10, approvalGpusOver = -1, agents = new object[] { new { role = "random" } } }))
        {
            var text = await bad.Content.ReadAsStringAsync();
            Assert.True(bad.StatusCode == HttpStatusCode.BadRequest, text);
            Assert.Contains("must be a whole number of GPUs from 0", JsonDocument.Parse(text).RootElement.GetProperty("errors").GetProperty("approvalGpusOver")[0].GetString(), StringComparison.Ordinal);
        }
        using var created = await client.PostAsJsonAsync("/api/campaigns", new
        {
            name,
            benchmark = "branin",
            deadline = "in 30m",
            maxExperiments = 400,
            slots = 1,
            approvalCpuHoursOver = 0,
            agents = new object[] { new { role = "random" }, new { role = "explorer" } },
        });
        var createdText = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, createdText);
        var id = JsonDocument.Parse(createdText).RootElement.GetProperty("campaign").GetProperty("id").GetString()!;
        Assert.Equal(new ApprovalPolicy { CpuHoursOver = 0 }, (await Ledger.GetCampaignAsync(id))!.Spec.Approval);
        try
        {
            await ConsoleFactory.WaitForStateAsync(client, id, StateTimeout, "Running");
            await test(client, id);
        }
        finally
        {
            using var response = await client.PostAsJsonAsync($"/api/campaigns/{id}/controls", new { action = "stop", reason = "test over" });
            await ConsoleFactory.WaitForStateAsync(client, id, StateTimeout, "Stopped", "Completed");
        }
    }

    private async Task<ExperimentRecord> AwaitingAsync(string id, int after, string what) =>
        await WaitForAsync(async () => (await Ledger.GetExperimentsAsync(id)).FirstOrDefault(e => e.Sequence > after && e.Status == ExperimentStatus.AwaitingApproval), StateTimeout, what);

    private static async Task AssertProblemAsync(HttpClient client, string path, HttpStatusCode status, string field, string text) =>
        await AssertProblemAsync(client, path, new { }, status, field, text);
}
