using System.Globalization;
using System.Text.RegularExpressions;

namespace AutoResearch.EndToEnd.Tests;

/// <summary><c>validate</c> and the checks <c>run</c> shares with it, through the real CLI process and real Docker.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class ValidateCommandTests
{
    [Fact]
    public async Task Validate_runs_the_branin_baseline_in_the_sandbox_and_prints_its_metric_and_wall_time()
    {
        await using var data = new TestData();
        using var cli = CliProcess.Start(data.Directory, "validate", Path.Combine(RepoPaths.Root, "sandboxes", "benchmarks", "branin"));
        var exit = await cli.WaitAsync(TimeSpan.FromMinutes(3));

        Assert.True(exit == 0, $"exit {exit}; stdout:\n{cli.Stdout}\nstderr:\n{CliProcess.Tail(cli.Stderr)}");
        var metric = Regex.Match(cli.Stdout, @"baseline value = (\S+)");
        Assert.True(metric.Success, "no baseline metric line in:\n" + cli.Stdout);
        var value = double.Parse(metric.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(double.IsFinite(value) && value >= 0.397, $"branin's baseline must be a real value above its optimum, got {value}");
        Assert.Matches(@"wall time: \d+\.\d\d s", cli.Stdout);
        Assert.Contains("peak memory: not measured", cli.Stdout);
        Assert.False(data.HasDatabase, "validate records nothing");
        Assert.Empty(await data.ContainersAsync());
    }

    [Fact]
    public async Task Validate_of_a_benchmark_whose_image_is_missing_exits_2_naming_the_image()
    {
        await using var data = new TestData();
        using var cli = CliProcess.Start(data.Directory, "validate", Path.Combine(RepoPaths.Fixture("noimage"), "benchmark.yaml"));
        var exit = await cli.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(2, exit);
        Assert.Contains("benchmark.yaml: image: image 'autoresearch/no-such-image-e2e:latest' is not on the Docker host", cli.Stderr);
        Assert.DoesNotContain("running the baseline", cli.Stdout);
        Assert.Empty(await data.ContainersAsync());
    }

    [Fact]
    public async Task Validate_of_a_benchmark_whose_script_is_missing_exits_2_naming_the_file()
    {
        await using var data = new TestData();
        using var cli = CliProcess.Start(data.Directory, "validate", RepoPaths.Fixture("noscript"));
        var exit = await cli.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(2, exit);
        Assert.Contains("benchmark.yaml: command[1]: script 'missing_train.py' does not exist in", cli.Stderr);
        Assert.Empty(await data.ContainersAsync());
    }

    [Fact]
    public async Task Validate_of_a_campaign_file_checks_its_benchmark()
    {
        await using var data = new TestData();
        using var cli = CliProcess.Start(data.Directory, "validate", Path.Combine(RepoPaths.Fixture("noscript"), "campaign.yaml"));
        Assert.Equal(2, await cli.WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("missing_train.py", cli.Stderr);
    }

    [Theory]
    [InlineData("noimage", "autoresearch/no-such-image-e2e:latest")]
    [InlineData("noscript", "missing_train.py")]
    public async Task Run_refuses_a_campaign_whose_image_or_script_is_missing_and_records_nothing(string fixture, string missing)
    {
        await using var data = new TestData();
        using var cli = CliProcess.Start(data.Directory, "run", Path.Combine(RepoPaths.Fixture(fixture), "campaign.yaml"));
        var exit = await cli.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(2, exit);
        Assert.Contains("cannot start", cli.Stderr);
        Assert.Contains(missing, cli.Stderr);
        if (data.HasDatabase)
            Assert.Empty(await data.Ledger.ListCampaignsAsync(CancellationToken.None));
        Assert.Empty(await data.ContainersAsync());
    }

    [Fact]
    public async Task Run_of_a_campaign_in_which_every_experiment_failed_exits_4_and_says_so()
    {
        await using var data = new TestData();
        using var cli = CliProcess.Start(data.Directory, "run", Path.Combine(RepoPaths.Fixture("allfail"), "campaign.yaml"));
        var exit = await cli.WaitAsync(TimeSpan.FromMinutes(4));

        Assert.True(exit == 4, $"exit {exit}; stderr:\n{CliProcess.Tail(cli.Stderr)}");
        Assert.Contains("Every experiment of campaign", cli.Stderr);
        var campaign = Assert.Single(await data.Ledger.ListCampaignsAsync(CancellationToken.None));
        var experiments = await data.Ledger.GetExperimentsAsync(campaign.Id, CancellationToken.None);
        Assert.NotEmpty(experiments);
        Assert.All(experiments, e => Assert.Equal(AutoResearch.Abstractions.Experiments.ExperimentStatus.Failed, e.Status));
    }
}
