using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Host.Hosting;
using AutoResearch.Sandboxes;

namespace AutoResearch.Grains.Tests;

/// <summary>The host disk guard: a campaign pauses itself (journal and status say why) when the disk runs low, and resumes.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DiskGuardTests(ClusterFixture fixture)
{
    private const long GiB = 1024L * 1024 * 1024;

    [Fact]
    public async Task Low_disk_pauses_the_campaign_with_the_numbers_and_resume_carries_on_once_space_is_free()
    {
        var id = TestSpecs.UniqueId("disk");
        fixture.Sandbox.Script(id, _ => { Thread.Sleep(100); return null; });
        var campaign = fixture.Grains.GetGrain<ICampaignGrain>(id);
        fixture.DiskGuard.LowAfter(3, new DiskSpaceCheck.Low("/srv/autoresearch", 3 * GiB / 2, 2 * GiB));
        try
        {
            await campaign.Start(TestSpecs.Campaign("disk", maxExperiments: 10) with { Noise = NoiseSpec.Off });
            await Waits.UntilAsync(async () => (await campaign.GetStatus()).State == CampaignState.Paused, 60);

            const string why = "only 1.50 GiB free under /srv/autoresearch, below the 2.00 GiB minimum; free space and resume";
            var paused = await campaign.GetStatus();
            Assert.Equal($"paused: {why}", paused.Reason);
            Assert.InRange(paused.Launched, 1, 3);
            var record = (await fixture.Ledger.GetCampaignAsync(id))!;
            Assert.Equal(CampaignState.Paused, record.State);
            var journal = await fixture.Journal.ReadAsync(id);
            Assert.Contains(journal, j => j.Text.Contains("paused by the disk guard", StringComparison.Ordinal) && j.Text.Contains(why, StringComparison.Ordinal));

            // The runs already granted finish (a grant whose agent had not started it yet is handed back); nothing further
            // starts while the disk is low.
            await Waits.UntilAsync(async () =>
            {
                var all = await fixture.Ledger.GetExperimentsAsync(id);
                return all.Count(e => e.StartedAt is not null) == all.Count(e => e.IsFinished && e.StartedAt is not null);
            }, 60);
            var started = (await fixture.Ledger.GetExperimentsAsync(id)).Count(e => e.StartedAt is not null);
            Assert.InRange(started, 1, 3);
            await Task.Delay(1500);
            Assert.Equal(started, (await fixture.Ledger.GetExperimentsAsync(id)).Count(e => e.StartedAt is not null));
            Assert.Equal(CampaignState.Paused, (await campaign.GetStatus()).State);

            fixture.DiskGuard.Disarm();
            var resumed = await campaign.Control(new ControlRequest { CampaignId = id, Action = ControlAction.Resume, RequestedAt = DateTimeOffset.UtcNow });
            Assert.Equal(CampaignState.Running, resumed.State);
            Assert.Null(resumed.Reason);
            var status = await Waits.ForEndAsync(fixture.Grains, id, seconds: 120);
            Assert.Equal(CampaignState.Completed, status.State);
            Assert.True((await fixture.Ledger.GetExperimentsAsync(id)).Count(e => e.Status == ExperimentStatus.Succeeded) > started);
        }
        finally
        {
            fixture.DiskGuard.Disarm();
        }
    }
}

/// <summary>The <see cref="DriveInfo"/> implementation on a real path, and its setting.</summary>
public sealed class DriveDiskSpaceGuardTests
{
    [Fact]
    public async Task Measures_a_real_path_and_reports_low_only_below_the_minimum()
    {
        var path = Path.GetTempPath();
        var free = DriveDiskSpaceGuard.FreeBytes(path);
        Assert.NotNull(free);
        Assert.True(free > 0, $"free bytes under {path}: {free}");

        Assert.IsType<DiskSpaceCheck.Ok>(DriveDiskSpaceGuard.Check([path], 1));
        var low = Assert.IsType<DiskSpaceCheck.Low>(DriveDiskSpaceGuard.Check([path], long.MaxValue));
        Assert.Equal(path, low.Path);
        Assert.Equal(long.MaxValue, low.MinimumBytes);
        Assert.InRange(low.FreeBytes, 1, long.MaxValue - 1);

        Assert.IsType<DiskSpaceCheck.Ok>(await new DriveDiskSpaceGuard(0, [path]).CheckAsync());
        Assert.IsType<DiskSpaceCheck.Ok>(await new DriveDiskSpaceGuard(1, [path]).CheckAsync());
        Assert.IsType<DiskSpaceCheck.Low>(await new DriveDiskSpaceGuard(long.MaxValue, [path]).CheckAsync());
    }

    [Fact]
    public async Task The_extra_path_is_resolved_once_and_watched()
    {
        var resolved = 0;
        var path = Path.GetTempPath();
        var guard = new DriveDiskSpaceGuard(long.MaxValue, [], () => { resolved++; return Task.FromResult<string?>(path); });
        var first = Assert.IsType<DiskSpaceCheck.Low>(await guard.CheckAsync());
        Assert.Equal(path, first.Path);
        Assert.IsType<DiskSpaceCheck.Low>(await guard.CheckAsync());
        Assert.Equal(1, resolved);

        var unreadable = new DriveDiskSpaceGuard(long.MaxValue, [], () => Task.FromResult<string?>(null));
        Assert.IsType<DiskSpaceCheck.Ok>(await unreadable.CheckAsync());
    }

    [Fact]
    public async Task Docker_root_is_resolved_through_docker_info_and_an_unreachable_daemon_gives_none()
    {
        Assert.Null(await DockerRootDirectory.TryResolveAsync("unix:///nonexistent/docker.sock", CancellationToken.None));
        if (!File.Exists("/var/run/docker.sock")) return; // no local daemon here: nothing more to resolve
        var root = await DockerRootDirectory.TryResolveAsync("unix:///var/run/docker.sock", CancellationToken.None);
        Assert.NotNull(root);
        Assert.True(DriveDiskSpaceGuard.FreeBytes(root) > 0, $"free bytes under Docker's root {root}");
    }

    [Fact]
    public void A_negative_minimum_is_refused_at_start_naming_the_setting()
    {
        Assert.Contains((new AutoResearchOptions { MinFreeDiskBytes = -1 }).Validate(), p => p.Contains("AutoResearch:MinFreeDiskBytes", StringComparison.Ordinal));
        Assert.Empty(new AutoResearchOptions { MinFreeDiskBytes = 0 }.Validate());
        Assert.Equal(2L * 1024 * 1024 * 1024, new AutoResearchOptions().MinFreeDiskBytes);
    }
}
