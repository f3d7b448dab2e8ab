using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace AutoResearch.Web.Tests;

/// <summary>
/// The lab's quota (issue 17) through the API, the console's admin page and the CLI: set by an admin (audited), read by
/// everyone, and a campaign whose budget exceeds what is left refused at start naming the resource and the numbers.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class LabQuotaTests(ConsoleFactory console)
{
    private ILedger Ledger => console.Services.GetRequiredService<ILedger>();

    [Fact]
    public async Task An_admin_sets_the_quota_and_a_campaign_over_what_is_left_is_refused_naming_the_resource_and_numbers()
    {
        using var client = console.TokenClient();
        try
        {
            using (var bad = await client.PutAsJsonAsync("/api/quota", new { gpuHours = -1 }))
            {
                Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
                var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").ToString();
                Assert.Contains("GPU-hours must be 0 (no limit) or more, not -1", errors, StringComparison.Ordinal);
            }

            var used = await Ledger.GetLabUsageAsync();
            var cpuQuota = Math.Round(used.CpuSeconds / 3600 + 1, 2);
            using (var set = await client.PutAsJsonAsync("/api/quota", new { cpuHours = cpuQuota, tokens = 5_000_000 }))
            {
                var text = await set.Content.ReadAsStringAsync();
                Assert.True(set.StatusCode == HttpStatusCode.OK, text);
                var view = JsonDocument.Parse(text).RootElement;
                Assert.Equal(cpuQuota, view.GetProperty("cpuHours").GetDouble(), 6);
                Assert.Equal(5_000_000, view.GetProperty("tokens").GetInt64());
                Assert.Equal(0, view.GetProperty("gpuHours").GetDouble());
                Assert.Equal(JsonValueKind.Null, view.GetProperty("gpuHoursLeft").ValueKind);
            }
            var read = await client.GetFromJsonAsync<JsonElement>("/api/quota");
            // About one hour left (the quota was rounded to 0.01 h, and campaigns of other tests may have run since).
            Assert.InRange(read.GetProperty("cpuHoursLeft").GetDouble(), 0.9, 1.01);

            // A campaign asking 2 CPU-hours when about 1 is left: refused before it starts, naming the resource and the numbers.
            using (var refused = await client.PostAsJsonAsync("/api/campaigns", new
            {
                name = "quota-refused",
                benchmark = "branin",
                deadline = "in 30m",
                maxExperiments = 10,
                cpuHours = 2,
                agents = new object[] { new { role = "random" } },
            }))
            {
                var text = await refused.Content.ReadAsStringAsync();
                Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, text);
                Assert.Contains("the campaign's CPU-hours budget (2 CPU-hours) exceeds what is left of the lab's quota", text, StringComparison.Ordinal);
                Assert.Contains($"of {cpuQuota.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} CPU-hours", text, StringComparison.Ordinal);
            }
            Assert.DoesNotContain(await Ledger.ListCampaignsAsync(), c => c.Name == "quota-refused");

            // The admin page shows it; the audit log has the change.
            using var admin = await console.SignedInClientAsync();
            var page = await admin.GetStringAsync("/settings/quota");
            Assert.Contains("id=\"quota-form\"", page, StringComparison.Ordinal);
            Assert.Contains("<td>Tokens</td><td class=\"num\">5000000</td>", page, StringComparison.Ordinal);
            var audit = (await client.GetFromJsonAsync<JsonElement>("/api/audit?limit=50")).GetProperty("entries").EnumerateArray().ToList();
            Assert.Contains(audit, e => e.GetProperty("action").GetString() == "PUT /api/quota" && e.GetProperty("status").GetInt32() == 200
                && (e.GetProperty("detail").GetString() ?? "").Contains("tokens=5000000", StringComparison.Ordinal));
        }
        finally
        {
            await Ledger.SetLabQuotaAsync(LabQuota.None);
        }
    }

    [Fact]
    public async Task The_cli_sets_and_shows_the_quota_names_the_option_of_a_bad_value_and_is_audited()
    {
        try
        {
            var (bad, badText) = await CliAsync("quota", "set", "--gpu-hours", "-2");
            Assert.Equal(2, bad);
            Assert.Contains("quota set: --gpu-hours: GPU-hours must be 0 (no limit) or more, not -2.", badText, StringComparison.Ordinal);
            var (empty, emptyText) = await CliAsync("quota", "set");
            Assert.Equal(2, empty);
            Assert.Contains("give at least one of GPU-hours, CPU-hours or tokens", emptyText, StringComparison.Ordinal);

            var (set, setText) = await CliAsync("quota", "set", "--gpu-hours", "12.5", "--tokens", "2000000");
            Assert.True(set == 0, setText);
            Assert.Contains("GPU-hours 12.5 h (", setText, StringComparison.Ordinal);
            var (shown, shownText) = await CliAsync("quota", "show", "--json");
            Assert.True(shown == 0, shownText);
            var view = JsonDocument.Parse(shownText).RootElement;
            Assert.Equal((12.5, 2_000_000L), (view.GetProperty("gpuHours").GetDouble(), view.GetProperty("tokens").GetInt64()));
            Assert.StartsWith("cli:", view.GetProperty("setBy").GetString(), StringComparison.Ordinal);

            using var client = console.TokenClient();
            var audit = (await client.GetFromJsonAsync<JsonElement>("/api/audit?limit=50")).GetProperty("entries").EnumerateArray().ToList();
            Assert.Contains(audit, e => e.GetProperty("action").GetString() == "quota.set" && (e.GetProperty("detail").GetString() ?? "").Contains("GPU-hours 12.5", StringComparison.Ordinal));
        }
        finally
        {
            await Ledger.SetLabQuotaAsync(LabQuota.None);
        }
    }

    /// <summary>Runs an <c>autoresearch</c> command in-process on the console's data folder.</summary>
    private Task<(int Exit, string Output)> CliAsync(params string[] args) => InProcessCli.RunAsync([.. args, "--data", console.DataDirectory]);
}
