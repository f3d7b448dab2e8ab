using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace AutoResearch.Web.Tests;

/// <summary>The campaign API end to end: a campaign made from the form's JSON runs in real sandboxes and is read back.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class CampaignApiTests(ConsoleFactory console)
{
    [Fact]
    public async Task A_bad_campaign_is_refused_with_a_message_per_field_and_nothing_is_written()
    {
        using var client = console.TokenClient();
        var campaignsBefore = (await client.GetFromJsonAsync<JsonElement>("/api/campaigns")).GetArrayLength();
        using var response = await client.PostAsJsonAsync("/api/campaigns", new
        {
            name = "Bad Name!",
            benchmark = "no-such-benchmark",
            deadline = "yesterday at noon",
            maxExperiments = 0,
            slots = -1,
            tokens = -5,
            reportAt = "7 am",
            agents = new object[]
            {
                new { role = "explorer", model = "gpt-4o" },
                new { role = "no-such-role" },
                new { role = "researcher", model = "not-configured" },
            },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        var expected = new Dictionary<string, string>
        {
            ["name"] = "lowercase letters",
            ["benchmark"] = "no benchmark 'no-such-benchmark'",
            ["deadline"] = "not a deadline",
            ["maxExperiments"] = "from 1 to 100000",
            ["slots"] = "from 0",
            ["tokens"] = "0 (no limit) or more",
            ["reportAt"] = "'7' is not a time of day",
            ["agents[0].model"] = "takes no model",
            ["agents[1].role"] = "no role 'no-such-role'",
            ["agents[2].model"] = "'not-configured'",
        };
        foreach (var (field, text) in expected)
        {
            Assert.True(errors.TryGetProperty(field, out var messages), $"no error for {field}: {errors}");
            Assert.Contains(messages.EnumerateArray(), m => m.GetString()!.Contains(text, StringComparison.Ordinal));
        }
        Assert.Equal(campaignsBefore, (await client.GetFromJsonAsync<JsonElement>("/api/campaigns")).GetArrayLength());
        var files = Path.Combine(console.DataDirectory, "console", "campaigns");
        Assert.False(Directory.Exists(files) && Directory.EnumerateFiles(files).Any(f => Path.GetFileName(f).Contains("bad", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task A_deadline_in_the_past_and_a_missing_agent_are_named()
    {
        using var client = console.TokenClient();
        using var response = await client.PostAsJsonAsync("/api/campaigns", new { name = "late", benchmark = "branin", deadline = "2020-01-01 07:00", maxExperiments = 5, agents = Array.Empty<object>() });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("in the past", errors.GetProperty("deadline")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("at least one agent", errors.GetProperty("agents")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_experiments_table_page_sorts_filters_pages_and_links_the_same_selection_to_its_exports()
    {
        var id = await console.FinishedCampaignAsync();
        using var browser = await console.SignedInClientAsync();
        using var api = console.TokenClient();

        var html = await browser.GetStringAsync($"/campaigns/{id}/experiments?sort=objective&desc=true&limit=25&agent=random-1");
        Assert.Contains("id=\"experiments\"", html, StringComparison.Ordinal);
        // The rows are the API's page for the same query, in its order.
        var page = await api.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/experiments?sort=objective&desc=true&limit=25&agent=random-1");
        var expected = page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt32()).ToList();
        Assert.NotEmpty(expected);
        var shown = System.Text.RegularExpressions.Regex.Matches(html, $"href=\"/campaigns/{System.Text.RegularExpressions.Regex.Escape(id)}/experiments/(\\d+)\">#")
            .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(expected, shown);
        Assert.Contains($"/api/campaigns/{id}/experiments/export.csv?sort=objective&amp;desc=true&amp;agent=random-1", html, StringComparison.Ordinal);
        Assert.Contains($"/api/campaigns/{id}/experiments/export.json?sort=objective&amp;desc=true&amp;agent=random-1", html, StringComparison.Ordinal);
        // The objective header flips the direction; the live page links to the table.
        Assert.Contains($"/campaigns/{id}/experiments?limit=25&amp;sort=objective&amp;agent=random-1", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/campaigns/{id}/experiments\"", await browser.GetStringAsync($"/campaigns/{id}"), StringComparison.Ordinal);

        using var bad = await browser.GetAsync($"/campaigns/{id}/experiments?limit=0&status=Sleeping");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var body = await bad.Content.ReadAsStringAsync();
        Assert.Contains("limit must be between 1 and 1000", body, StringComparison.Ordinal);
        Assert.Contains("&#x27;Sleeping&#x27; is not a status", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/campaigns/no-such-campaign/experiments")).StatusCode);
    }

    [Fact]
    public async Task A_campaign_started_through_the_api_runs_and_can_be_read_back()
    {
        var id = await console.FinishedCampaignAsync();
        using var client = console.TokenClient();

        var list = await client.GetFromJsonAsync<JsonElement>("/api/campaigns");
        var item = list.EnumerateArray().Single(c => c.GetProperty("id").GetString() == id);
        Assert.Equal("Completed", item.GetProperty("state").GetString());
        Assert.Equal(6, item.GetProperty("finished").GetInt32());
        Assert.True(item.GetProperty("best").GetDouble() < item.GetProperty("baseline").GetDouble() + 1e-9);
        Assert.True(item.GetProperty("hostedHere").GetBoolean());

        var detail = await client.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}");
        Assert.Equal(["explorer-1", "random-1"], detail.GetProperty("agents").EnumerateArray().Select(a => a.GetProperty("id").GetString()!).ToArray());
        Assert.Equal(6, detail.GetProperty("points").GetArrayLength() + detail.GetProperty("failed").GetInt32() + detail.GetProperty("pruned").GetInt32());
        Assert.True(detail.GetProperty("bests").GetArrayLength() >= 1);
        Assert.Equal(0, detail.GetProperty("running").GetArrayLength());

        // The campaign is a campaign file the CLI can run again.
        var file = Directory.EnumerateFiles(Path.Combine(console.DataDirectory, "console", "campaigns"), "api-branin-*.yaml").Single();
        var yaml = await File.ReadAllTextAsync(file);
        Assert.Contains("max_experiments: 6", yaml, StringComparison.Ordinal);
        Assert.Contains("role: \"random\"", yaml, StringComparison.Ordinal);

        var experiments = await client.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/experiments");
        Assert.Equal(6, experiments.GetProperty("total").GetInt32());
        Assert.Equal(6, experiments.GetProperty("items").GetArrayLength());
        // Paged, sorted and filtered in the ledger; exports of the same selection.
        var page = await client.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/experiments?offset=2&limit=2&sort=sequence&desc=true");
        var ids = experiments.GetProperty("items").EnumerateArray().Select(e => (Sequence: e.GetProperty("sequence").GetInt32(), Id: e.GetProperty("id").GetString()!)).ToList();
        Assert.Equal(ids.OrderByDescending(x => x.Sequence).ThenBy(x => x.Id, StringComparer.Ordinal).Skip(2).Take(2).Select(x => x.Id).ToArray(),
            page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetString()!).ToArray());
        // The agent filter returns exactly that agent's experiments; the two agents' filters together return all six.
        var byAgent = new Dictionary<string, string[]>();
        foreach (var agent in new[] { "explorer-1", "random-1" })
        {
            var mine = await client.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/experiments?agent={agent}&limit=1000");
            byAgent[agent] = mine.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetString()!).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(
                experiments.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("agent").GetString() == agent).Select(e => e.GetProperty("id").GetString()!).Order(StringComparer.Ordinal).ToArray(),
                byAgent[agent]);
        }
        Assert.Equal(ids.Select(x => x.Id).Order(StringComparer.Ordinal).ToArray(), byAgent.Values.SelectMany(v => v).Order(StringComparer.Ordinal).ToArray());
        using (var bad = await client.GetAsync($"/api/campaigns/{id}/experiments?limit=5000&sort=colour"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
            Assert.True(errors.TryGetProperty("limit", out _) && errors.TryGetProperty("sort", out _), errors.ToString());
        }
        var csv = (await client.GetStringAsync($"/api/campaigns/{id}/experiments/export.csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("sequence,id,agent,", csv[0], StringComparison.Ordinal);
        Assert.Equal(7, csv.Length);
        var exported = await client.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/experiments/export.json?sort=objective");
        Assert.Equal(6, exported.GetArrayLength());
        var first = await client.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/experiments/1");
        Assert.Equal(1, first.GetProperty("summary").GetProperty("sequence").GetInt32());
        Assert.Equal(2, first.GetProperty("summary").GetProperty("parameters").EnumerateObject().Count());
        Assert.Contains("METRIC", first.GetProperty("logHead").GetString(), StringComparison.Ordinal);
        // The host whose fleet leased its slot and whose runner started its container (embedded: the machine's name).
        Assert.Equal(Environment.MachineName, first.GetProperty("host").GetString());
        Assert.False(string.IsNullOrEmpty(first.GetProperty("containerId").GetString()));
        var limits = first.GetProperty("limits");
        Assert.Equal("none", limits.GetProperty("network").GetString());
        Assert.Equal(30, limits.GetProperty("timeLimitSeconds").GetDouble());

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/campaigns/{id}/experiments/999")).StatusCode);
        using var missing = await client.GetAsync("/api/campaigns/no-such-campaign");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("No campaign 'no-such-campaign'", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notes_are_appended_and_bad_ones_are_refused_per_field_without_touching_the_journal()
    {
        var id = await console.FinishedCampaignAsync();
        using var client = console.TokenClient();
        var before = (await client.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/journal")).GetArrayLength();
        Assert.True(before > 0);

        (object Body, string Field, string Text)[] bad =
        [
            (new { text = "   " }, "text", "empty"),
            (new { text = new string('x', 8001) }, "text", "limit is 8000"),
            (new { text = "hi", author = "system" }, "author", "reserved"),
            (new { text = "hi", author = "Explorer-1" }, "author", "is an agent"),
            (new { text = "hi", experiment = "99" }, "experiment", "no experiment '99'"),
        ];
        foreach (var (body, field, text) in bad)
        {
            using var refused = await client.PostAsJsonAsync($"/api/campaigns/{id}/journal", body);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var errors = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
            Assert.Contains(text, errors.GetProperty(field)[0].GetString(), StringComparison.Ordinal);
        }
        Assert.Equal(before, (await client.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/journal")).GetArrayLength());

        using var added = await client.PostAsJsonAsync($"/api/campaigns/{id}/journal", new { text = "Look near x1 = pi.", author = "alice", experiment = "#2" });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var entry = await added.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, entry.GetProperty("experimentSequence").GetInt32());
        var after = await client.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/journal?afterId={entry.GetProperty("id").GetInt64() - 1}");
        var last = after.EnumerateArray().Single();
        Assert.Equal(("alice", "note", "Look near x1 = pi."), (last.GetProperty("author").GetString(), last.GetProperty("kind").GetString(), last.GetProperty("text").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync("/api/campaigns/nope/journal", new { text = "x" })).StatusCode);
    }

    [Fact]
    public async Task Reports_are_written_on_demand_kept_in_history_and_served_without_scripts()
    {
        var id = await console.FinishedCampaignAsync();
        using var client = console.TokenClient();
        var before = (await client.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/reports")).GetArrayLength();
        Assert.True(before >= 1, "the final report is in the history");

        using var written = await client.PostAsync($"/api/campaigns/{id}/reports", null);
        Assert.Equal(HttpStatusCode.Created, written.StatusCode);
        var report = await written.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("on-demand", report.GetProperty("trigger").GetString());
        var reports = await client.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/reports");
        Assert.Equal(before + 1, reports.GetArrayLength());
        Assert.Equal(report.GetProperty("name").GetString(), reports[0].GetProperty("name").GetString());

        using var html = await client.GetAsync(report.GetProperty("htmlUrl").GetString());
        Assert.Equal(HttpStatusCode.OK, html.StatusCode);
        Assert.Equal("text/html", html.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("default-src 'none'", html.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("Reproduce the best", await html.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var md = await client.GetStringAsync(report.GetProperty("markdownUrl").GetString());
        Assert.StartsWith("# ", md, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/campaigns/{id}/reports/19990101T000000.000Z-final/html")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/campaigns/{id}/reports/latest/pdf")).StatusCode);
    }

    [Fact]
    public async Task The_event_stream_sends_the_campaign_state()
    {
        var id = await console.FinishedCampaignAsync();
        using var client = console.TokenClient();
        using var response = await client.GetAsync($"/api/campaigns/{id}/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal("event: status", await reader.ReadLineAsync());
        var data = (await reader.ReadLineAsync())!;
        Assert.StartsWith("data: ", data, StringComparison.Ordinal);
        Assert.Equal(id, JsonDocument.Parse(data[6..]).RootElement.GetProperty("campaign").GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/campaigns/no-such-campaign/events")).StatusCode);
    }

    [Fact]
    public async Task The_catalog_and_the_openapi_document_describe_what_the_api_offers()
    {
        using var client = console.TokenClient();
        var catalog = await client.GetFromJsonAsync<JsonElement>("/api/catalog");
        Assert.Contains(catalog.GetProperty("benchmarks").EnumerateArray(), b => b.GetProperty("name").GetString() == "digits-mlp" && b.GetProperty("metric").GetString() == "val_error");
        Assert.Contains(catalog.GetProperty("roles").EnumerateArray(), r => r.GetProperty("name").GetString() == "researcher" && r.GetProperty("usesModel").GetBoolean());

        var openapi = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = openapi.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var path in new[] { "/api/campaigns", "/api/campaigns/{id}", "/api/campaigns/{id}/journal", "/api/campaigns/{id}/controls", "/api/campaigns/{id}/reports", "/api/campaigns/{id}/events", "/api/tokens", "/health" })
            Assert.Contains(path, paths);
    }
}
