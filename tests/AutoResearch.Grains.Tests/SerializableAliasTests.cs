using System.Reflection;
using System.Text;
using System.Text.Json;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Parameters;
using AutoResearch.Grains.Agents;
using AutoResearch.Abstractions.Specs;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.Configuration;

namespace AutoResearch.Grains.Tests;

/// <summary>
/// Every type Orleans serializes (grain calls, grain state) carries a stable <see cref="AliasAttribute"/>, so renaming or moving a
/// type does not orphan stored state or break calls between silos of different builds; and state written before the aliases
/// (type names written in full) still reads.
/// </summary>
public sealed class SerializableAliasTests
{
    /// <summary>Every AutoResearch assembly of src/ beside the tests (test projects and test helpers left out).</summary>
    private static List<Assembly> ProductAssemblies() => Directory.GetFiles(AppContext.BaseDirectory, "AutoResearch.*.dll")
        .Select(Path.GetFileNameWithoutExtension)
        .Where(n => !n!.EndsWith(".Tests", StringComparison.Ordinal) && !n.StartsWith("AutoResearch.Testing.", StringComparison.Ordinal))
        .Select(n => Assembly.Load(n!))
        .ToList();

    private static List<Type> GeneratedSerializableTypes() => ProductAssemblies()
        .SelectMany(a => a.GetTypes())
        .Where(t => t.GetCustomAttribute<GenerateSerializerAttribute>() is not null)
        .ToList();

    [Fact]
    public void Every_generated_serializable_type_has_a_unique_alias()
    {
        var assemblies = ProductAssemblies().Select(a => a.GetName().Name).ToList();
        Assert.Contains("AutoResearch.Abstractions", assemblies);
        Assert.Contains("AutoResearch.Grains", assemblies);
        Assert.Contains("AutoResearch.Host", assemblies);
        var types = GeneratedSerializableTypes();
        Assert.True(types.Count >= 40, $"only {types.Count} [GenerateSerializer] types found");

        var missing = types.Where(t => t.GetCustomAttribute<AliasAttribute>() is null).Select(t => t.FullName).ToList();
        Assert.True(missing.Count == 0, "[GenerateSerializer] types without [Alias]: " + string.Join(", ", missing));

        var aliases = types.GroupBy(t => t.GetCustomAttribute<AliasAttribute>()!.Alias).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(aliases.Count == 0, "aliases used twice: " + string.Join(", ", aliases));

        // One style: "AutoResearch." and the type's name (stable when the type moves to another namespace or assembly).
        var offStyle = types.Where(t => t.GetCustomAttribute<AliasAttribute>()!.Alias != $"AutoResearch.{t.Name}")
            .Select(t => $"{t.FullName} ({t.GetCustomAttribute<AliasAttribute>()!.Alias})").ToList();
        Assert.True(offStyle.Count == 0, "aliases not of the form AutoResearch.<TypeName>: " + string.Join(", ", offStyle));
    }

    [Fact]
    public void Grain_state_written_before_the_aliases_still_reads()
    {
        var state = SampleCampaignState();
        var agent = new AgentGrainState
        {
            Assignment = null, StopRequested = true, Paused = true, Budget = new BudgetSpec(), LastStatus = state.Agents["explorer-1"],
        };

        // The serializer of a build without the aliases: the same codecs, type names written in full.
        using var before = Serializers(withoutAliases: true);
        using var now = Serializers(withoutAliases: false);
        var old = before.GetRequiredService<Serializer>();
        var current = now.GetRequiredService<Serializer>();

        // As the grain storage writes it (the state's own type), and as an object (every type name on the wire).
        var asState = old.SerializeToArray(state);
        var asObject = old.SerializeToArray<object>(state);
        var agentAsObject = old.SerializeToArray<object>(agent);
        Assert.Contains(typeof(CampaignGrainState).FullName!, Encoding.UTF8.GetString(asObject), StringComparison.Ordinal);
        Assert.DoesNotContain("\"AutoResearch.CampaignGrainState", Encoding.UTF8.GetString(asObject), StringComparison.Ordinal);
        // This build writes the alias instead: the bytes differ, so reading the old ones is a real check.
        Assert.Contains("AutoResearch.CampaignGrainState", Encoding.UTF8.GetString(current.SerializeToArray<object>(state)), StringComparison.Ordinal);
        Assert.DoesNotContain(typeof(CampaignGrainState).FullName!, Encoding.UTF8.GetString(current.SerializeToArray<object>(state)), StringComparison.Ordinal);

        Assert.Equal(Json(state), Json(current.Deserialize<CampaignGrainState>(asState)));
        Assert.Equal(Json(state), Json(Assert.IsType<CampaignGrainState>(current.Deserialize<object>(asObject))));
        Assert.Equal(Json(agent), Json(Assert.IsType<AgentGrainState>(current.Deserialize<object>(agentAsObject))));
    }

    [Fact]
    public void Typed_parameters_round_trip_and_agent_state_queued_with_text_values_still_reads()
    {
        using var now = Serializers(withoutAliases: false);
        var serializer = now.GetRequiredService<Serializer>();
        var set = ParameterSet.Of(("lr", 0.0013986616992729497), ("hidden", 64), ("activation", ParameterValue.Choice("relu")));
        var back = serializer.Deserialize<ParameterSet>(serializer.SerializeToArray(set))!;
        Assert.Equal(set, back);
        Assert.Equal(set.Select(kv => kv.Value.Kind), back.Select(kv => kv.Value.Kind));
        Assert.Equal(0.0013986616992729497, back["lr"].AsNumber);
        var record = serializer.Deserialize<object>(serializer.SerializeToArray<object>(new ExperimentRecord
        {
            Id = "c/0001", CampaignId = "c", AgentId = "a", Sequence = 1, ProposerName = "gp", Parameters = set, Status = ExperimentStatus.Queued, QueuedAt = DateTimeOffset.UnixEpoch,
        }));
        Assert.Equal(set, Assert.IsType<ExperimentRecord>(record).Parameters);

        // Agent state written before the typed values held a queued configuration's values as text under Id 0
        // (LegacyParameters is that field): it reads, typed, without a migration.
        var old = new AgentGrainState
        {
            Configurations = [new QueuedConfiguration { LegacyParameters = new() { ["lr"] = "0.001", ["hidden"] = "64" }, RequestedBy = "ann", ControlId = 3 }],
        };
        var read = serializer.Deserialize<AgentGrainState>(serializer.SerializeToArray(old))!;
        Assert.Equal(ParameterSet.Of(("lr", 0.001), ("hidden", 64)), read.Configurations[0].Parameters);
        Assert.Equal("ann", read.Configurations[0].RequestedBy);
        // Written now: the typed field, and it reads back the same.
        var fresh = new AgentGrainState { Configurations = [new QueuedConfiguration { Parameters = set, ControlId = 4 }] };
        var freshRead = serializer.Deserialize<AgentGrainState>(serializer.SerializeToArray(fresh))!;
        Assert.Null(freshRead.Configurations[0].LegacyParameters);
        Assert.Equal(set, freshRead.Configurations[0].Parameters);
    }

    private static ServiceProvider Serializers(bool withoutAliases)
    {
        var services = new ServiceCollection().AddSerializer(b =>
        {
            foreach (var assembly in ProductAssemblies())
                b.AddAssembly(assembly);
        });
        if (withoutAliases)
        {
            var ours = GeneratedSerializableTypes().Select(t => t.GetCustomAttribute<AliasAttribute>()!.Alias).ToHashSet(StringComparer.Ordinal);
            services.PostConfigure<TypeManifestOptions>(o =>
            {
                foreach (var alias in o.WellKnownTypeAliases.Keys.Where(ours.Contains).ToList())
                    o.WellKnownTypeAliases.Remove(alias);
            });
        }

        return services.BuildServiceProvider();
    }

    private static CampaignGrainState SampleCampaignState()
    {
        var at = new DateTimeOffset(2026, 12, 4, 20, 0, 0, TimeSpan.Zero);
        return new CampaignGrainState
        {
            Spec = TestSpecs.Campaign("old-state", maxExperiments: 5, slots: 2, duration: TimeSpan.FromMinutes(10), "random", "gp"),
            State = CampaignState.Running,
            CreatedAt = at,
            StartedAt = at.AddSeconds(1),
            Deadline = at.AddMinutes(10),
            Reason = "still running",
            Agents = new()
            {
                ["explorer-1"] = new AgentStatus
                {
                    Id = "explorer-1", Role = "explorer", Proposer = "random", State = AgentState.Running, Experiments = 3, Succeeded = 2, TokensUsed = 5,
                },
            },
            ReportMarkdown = "# report",
            Budget = new BudgetSpec(),
            LastScheduledReport = at.AddMinutes(5),
            NextSequence = 4,
        };
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value);
}
