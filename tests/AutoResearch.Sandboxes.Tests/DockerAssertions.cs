using AutoResearch.Abstractions;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace AutoResearch.Sandboxes.Tests;

/// <summary>Checks against the Docker daemon itself.</summary>
internal static class DockerAssertions
{
    public static async Task<IList<ContainerListResponse>> ContainersWithLabelAsync(IDockerClient client, string label, string value)
    {
        var filters = new Dictionary<string, IDictionary<string, bool>>
        {
            ["label"] = new Dictionary<string, bool> { [$"{label}={value}"] = true },
        };
        return await client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filters });
    }

    public static async Task AssertNoContainersAsync(IDockerClient client, string campaignId)
    {
        var left = await ContainersWithLabelAsync(client, Names.CampaignLabel, campaignId);
        Assert.True(left.Count == 0, $"containers left for campaign {campaignId}: {string.Join(", ", left.Select(c => c.ID))}");
    }
}
