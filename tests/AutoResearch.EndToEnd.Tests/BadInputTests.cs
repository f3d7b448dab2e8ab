namespace AutoResearch.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class BadInputTests
{
    [Fact]
    public async Task A_broken_campaign_file_is_rejected_naming_file_and_fields_before_anything_runs()
    {
        await using var data = new TestData();
        using var cli = CliProcess.Start(data.Directory, "run", Path.Combine(RepoPaths.Fixture("broken"), "campaign.yaml"));
        var exit = await cli.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(2, exit);
        var errors = cli.Stderr;
        Assert.Contains("campaign.yaml", errors);
        Assert.Contains("name", errors);
        Assert.Contains("max_experiments", errors);
        Assert.Contains("duration", errors);
        Assert.Contains("no-such-role", errors);
        Assert.False(data.HasDatabase, "nothing may be recorded for a rejected campaign");
        Assert.Empty(await data.ContainersAsync());
    }

    [Fact]
    public async Task Status_of_an_unknown_campaign_says_so()
    {
        await using var data = new TestData();
        using var cli = CliProcess.Start(data.Directory, "status", "no-such-campaign");
        Assert.Equal(2, await cli.WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("No campaign 'no-such-campaign'", cli.Stderr);
    }
}
