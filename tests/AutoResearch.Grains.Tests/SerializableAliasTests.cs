using System.Reflection;
using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Grains.Tests;

/// <summary>
/// Every type Orleans serializes (grain calls, grain state) carries a stable <see cref="AliasAttribute"/>, so renaming or moving a
/// type does not orphan stored state or break calls between silos of different builds.
/// </summary>
public sealed class SerializableAliasTests
{
    [Fact]
    public void Every_generated_serializable_type_has_a_unique_alias()
    {
        var types = new[] { typeof(ExperimentRecord).Assembly, typeof(CampaignGrain).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => t.GetCustomAttribute<GenerateSerializerAttribute>() is not null)
            .ToList();
        Assert.True(types.Count >= 40, $"only {types.Count} [GenerateSerializer] types found");

        var missing = types.Where(t => t.GetCustomAttribute<AliasAttribute>() is null).Select(t => t.FullName).ToList();
        Assert.True(missing.Count == 0, "[GenerateSerializer] types without [Alias]: " + string.Join(", ", missing));

        var aliases = types.GroupBy(t => t.GetCustomAttribute<AliasAttribute>()!.Alias).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(aliases.Count == 0, "aliases used twice: " + string.Join(", ", aliases));
    }
}
