using System.Collections.Concurrent;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Grains.Fleets;
using AutoResearch.Proposers;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Xunit.Abstractions;

namespace AutoResearch.Grains.Tests;

/// <summary>
/// A host that joins a running campaign gets work: the campaign runs on one 1-slot silo with two agents (one waits for the
/// slot), a second silo with 2 slots joins, and after it has been free for a while one agent moves there (its waiting
/// experiment with it) and the new host's runner runs experiments; none is lost or run twice, and the campaign completes.
/// </summary>
public sealed class AgentMoveTests(ITestOutputHelper output)
{
    private const int Experiments = 48;

    [Fact]
    public Task A_silo_that_joins_a_running_campaign_gets_an_agent_that_waited_for_slots_and_runs_its_experiments() => JoinAsync(null);

    [PostgresFact]
    public async Task On_PostgreSQL_a_silo_that_joins_a_running_campaign_gets_an_agent_that_waited_for_slots_and_runs_its_experiments()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await JoinAsync(db.ConnectionString);
    }

    private async Task JoinAsync(string? postgres)
    {
        var data = Path.Combine(Path.GetTempPath(), "ar-move-" + Guid.NewGuid().ToString("N")[..8]);
        var shared = new ScriptedSandboxRunner { Delay = TimeSpan.FromMilliseconds(1500) };
        var runners = new ConcurrentDictionary<string, FleetPerHostTests.HostRunner>(StringComparer.Ordinal);
        var hosts = new List<string>();
        // The first silo's fleet has 1 slot, the one started later 2; each silo has its own runner (its own Docker host).
        var cluster = await ClusterFixture.StartAsync(data, slots: 1, gpuDeviceIds: [], services =>
        {
            services.AddSingleton<IDiskSpaceGuard>(new ScriptedDiskSpaceGuard());
            services.AddSingleton<IProposerFactory, ProposerFactory>();
        }, postgres: postgres, silos: 1, perSilo: (host, services) =>
        {
            int slots;
            lock (hosts)
            {
                if (!hosts.Contains(host)) hosts.Add(host);
                slots = hosts.IndexOf(host) == 0 ? 1 : 2;
            }
            services.Configure<FleetOptions>(o => o.Slots = slots);
            services.AddSingleton<ISandboxRunner>(runners.GetOrAdd(host, h => new FleetPerHostTests.HostRunner(h, slots, shared)));
        });
        try
        {
            var ledger = cluster.Silos[0].ServiceProvider.GetRequiredService<ILedger>();
            var journal = cluster.Silos[0].ServiceProvider.GetRequiredService<IJournal>();
            var fleets = cluster.Silos[0].ServiceProvider.GetRequiredService<FleetDirectory>();
            var oldHost = fleets.LocalHost;
            var id = TestSpecs.UniqueId("move");
            var started = await cluster.Client.GetGrain<ICampaignGrain>(id)
                .Start(TestSpecs.Campaign("move", maxExperiments: Experiments, slots: 0, proposers: ["random", "random"]));
            Assert.Equal(1, started.Slots);
            await Waits.UntilAsync(async () => (await ledger.GetExperimentsAsync(id)).Count(e => e.IsFinished) >= 2, seconds: 60,
                what: $"two experiments of campaign {id} to finish on the first host");

            var starting = cluster.StartAdditionalSiloAsync();
            await Waits.ForAsync(starting, 120, "a second silo to start");
            var joined = await starting;
            var newHost = joined.ServiceProvider.GetRequiredService<FleetDirectory>().LocalHost;
            Assert.NotEqual(oldHost, newHost);
            Assert.Equal(2, runners[newHost].Slots);
            var joinedAt = DateTimeOffset.UtcNow;
            var finishedAtJoin = (await ledger.GetExperimentsAsync(id)).Count(e => e.IsFinished);
            await Waits.UntilAsync(async () => (await fleets.GetAsync()).Hosts.Count == 2, seconds: 30, what: $"the fleet of host {newHost} to answer");

            // The move: journalled by the agent that moves, then experiments on the new host.
            JournalEntry? moved = null;
            await Waits.UntilAsync(async () => (moved = (await journal.ReadAsync(id)).FirstOrDefault(e =>
                e.Kind == JournalEntryKind.System && e.Text.StartsWith($"Moving to host {newHost}: it has ", StringComparison.Ordinal))) is not null,
                seconds: 90, what: $"an agent of campaign {id} to journal its move to host {newHost}");
            await Waits.UntilAsync(() => Task.FromResult(!runners[newHost].Ran.IsEmpty), seconds: 60, what: $"host {newHost}'s runner to run an experiment");

            var end = await Waits.ForEndAsync(cluster.Client, id, seconds: 180);
            Assert.Equal(CampaignState.Completed, end.State);
            Assert.Equal(3, end.Slots);

            var experiments = await ledger.GetExperimentsAsync(id);
            var story = $"host {newHost} joined at {joinedAt:HH:mm:ss.fff} after {finishedAtJoin} finished; {moved!.Author}: '{moved.Text}' at {moved.At:HH:mm:ss.fff}\n" +
                string.Join("\n", experiments.OrderBy(e => e.StartedAt)
                    .Select(e => $"#{e.Sequence} {e.AgentId} attempt {e.Attempt} on {e.Host} {e.StartedAt:HH:mm:ss.fff}-{e.EndedAt:HH:mm:ss.fff} {e.Status}"));
            output.WriteLine(story);
            // None lost, none run twice: every experiment finished once, on the host whose runner ran it.
            Assert.True(experiments.All(e => e.IsFinished), story);
            Assert.Equal(Experiments, experiments.Count);
            Assert.Equal(Experiments, experiments.Select(e => e.Sequence).Distinct().Count());
            Assert.All(experiments, e => Assert.Equal(1, e.Attempt));
            foreach (var e in experiments)
            {
                var ranOn = runners.Values.Where(r => r.Ran.ContainsKey(e.Id)).Select(r => r.Host).ToList();
                Assert.True(ranOn.Count == 1 && ranOn[0] == e.Host, $"#{e.Sequence} ran on [{string.Join(", ", ranOn)}], recorded on {e.Host}\n{story}");
            }
            // The moved agent's experiments after the move ran on the new host, and the new host stayed within its slots.
            var onNew = experiments.Where(e => e.Host == newHost).ToList();
            Assert.True(onNew.Count > 0 && onNew.All(e => e.AgentId == moved.Author), story);
            Assert.True(runners[newHost].Peak <= 2 && runners[oldHost].Peak <= 1, story);
            // The moved agent lives on the new host's silo.
            var agent = cluster.Client.GetGrain<IAgentGrain>(IAgentGrain.KeyFor(id, moved.Author));
            Assert.True(cluster.TryGetGrainContext(agent.GetGrainId(), out var context), $"agent {moved.Author} is active nowhere");
            Assert.Equal(joined.SiloAddress, context.Address.SiloAddress);
            output.WriteLine($"{experiments.Count(e => e.Host == oldHost)} on {oldHost}, {onNew.Count} on {newHost}");
        }
        finally
        {
            await cluster.DisposeAsync();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }
}
