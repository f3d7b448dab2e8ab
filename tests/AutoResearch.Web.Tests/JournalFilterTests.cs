using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Host.Operations;

namespace AutoResearch.Web.Tests;

/// <summary>
/// Journal filters as in the CLI (<c>journal --kind --author</c>): one rule (<see cref="JournalFilter"/>) for the API's
/// <c>?kind=&amp;author=</c> and the console's journal page (<c>?kind=&amp;by=</c>); an unknown kind is refused naming it.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class JournalFilterTests(ConsoleFactory console)
{
    [Fact]
    public void The_filter_reads_kinds_as_the_cli_spells_them_and_names_an_unknown_one()
    {
        var filter = JournalFilter.Parse(["dead-end,note", "Result"], "  Alice ", out var problems);
        Assert.Empty(problems);
        Assert.Equal(new HashSet<JournalEntryKind> { JournalEntryKind.DeadEnd, JournalEntryKind.Note, JournalEntryKind.Result }, filter.Kinds.ToHashSet());
        Assert.Equal("Alice", filter.Author);
        Assert.True(filter.Matches(new JournalEntry { CampaignId = "c", Kind = JournalEntryKind.Note, Author = "alice", Text = "t", At = DateTimeOffset.UnixEpoch }));
        Assert.False(filter.Matches(new JournalEntry { CampaignId = "c", Kind = JournalEntryKind.System, Author = "alice", Text = "t", At = DateTimeOffset.UnixEpoch }));
        Assert.False(filter.Matches(new JournalEntry { CampaignId = "c", Kind = JournalEntryKind.Note, Author = "bob", Text = "t", At = DateTimeOffset.UnixEpoch }));

        JournalFilter.Parse(["note", "gossip"], null, out problems);
        Assert.Contains("unknown kind 'gossip'", Assert.Single(problems));
        Assert.True(JournalFilter.Parse(null, " ", out _).IsAll);
    }

    [Fact]
    public async Task The_api_and_the_journal_page_show_only_the_kinds_and_author_asked_for()
    {
        var id = await console.FinishedCampaignAsync();
        using var token = console.TokenClient();
        var note = $"filter-note-{Guid.NewGuid():N}";
        using (var posted = await token.PostAsJsonAsync($"/api/campaigns/{id}/journal", new { text = note, author = "filter-tester" }))
            Assert.Equal(HttpStatusCode.Created, posted.StatusCode);

        var all = await token.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/journal");
        Assert.Contains(all.EnumerateArray(), e => e.GetProperty("kind").GetString() != "note");

        var notes = await token.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/journal?kind=note&author=FILTER-TESTER");
        var only = Assert.Single(notes.EnumerateArray());
        Assert.Equal(note, only.GetProperty("text").GetString());

        var systemByTester = await token.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/journal?kind=system,result&author=filter-tester");
        Assert.Empty(systemByTester.EnumerateArray());

        using (var bad = await token.GetAsync($"/api/campaigns/{id}/journal?kind=gossip"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("unknown kind 'gossip'", await bad.Content.ReadAsStringAsync());
        }

        using var admin = await console.SignedInClientAsync();
        var page = await admin.GetStringAsync($"/campaigns/{id}/journal?kind=note&by=filter-tester");
        Assert.Contains(note, page);
        Assert.Contains("id=\"journal-filter\"", page);
        Assert.DoesNotContain("class=\"entry kind-System\"", page, StringComparison.OrdinalIgnoreCase);
        var unfiltered = await admin.GetStringAsync($"/campaigns/{id}/journal");
        Assert.Contains("class=\"entry kind-system\"", unfiltered, StringComparison.OrdinalIgnoreCase);

        var refused = await admin.GetStringAsync($"/campaigns/{id}/journal?kind=gossip");
        Assert.Contains("unknown kind &#x27;gossip&#x27;", refused);
    }
}
