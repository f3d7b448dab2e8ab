using AutoResearch.Abstractions;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace AutoResearch.Sandboxes.Tests;

[Collection(DockerCollection.Name)]
public sealed class ReaperTests(ITestOutputHelper output)
{
    [DockerFact]
    public async Task Reaper_removes_its_owners_leftovers_and_nothing_else()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var mine = "test-reaper-mine-" + suffix;
        var theirs = "test-reaper-theirs-" + suffix;
        var campaign = "test-reaper-" + suffix;
        using var client = DockerTestEnvironment.CreateClient();
        using var runner = new DockerSandboxRunner(
            Options.Create(new SandboxOptions { Owner = mine, DockerEndpoint = DockerTestEnvironment.Endpoint }),
            new TestOutputLogger<DockerSandboxRunner>(output));

        var running = await CreateAsync(client, mine, campaign, "exp-running", start: true);
        var stopped = await CreateAsync(client, mine, campaign, "exp-created", start: false);
        var foreign = await CreateAsync(client, theirs, campaign, "exp-foreign", start: true);
        try
        {
            var reaped = await runner.ReapAsync(CancellationToken.None);

            Assert.Equal(["exp-created", "exp-running"], reaped.Order(StringComparer.Ordinal));
            await Assert.ThrowsAsync<DockerContainerNotFoundException>(() => client.Containers.InspectContainerAsync(running));
            await Assert.ThrowsAsync<DockerContainerNotFoundException>(() => client.Containers.InspectContainerAsync(stopped));
            var other = await client.Containers.InspectContainerAsync(foreign);
            Assert.True(other.State.Running);
            Assert.Empty(await DockerAssertions.ContainersWithLabelAsync(client, Names.OwnerLabel, mine));

            Assert.Empty(await runner.ReapAsync(CancellationToken.None));
        }
        finally
        {
            foreach (var id in new[] { running, stopped, foreign })
            {
                try
                {
                    await client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true });
                }
                catch (DockerContainerNotFoundException)
                {
                }
            }
        }
    }

    private static async Task<string> CreateAsync(IDockerClient client, string owner, string campaign, string experiment, bool start)
    {
        var created = await client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = DockerTestEnvironment.Image,
            Entrypoint = ["sleep", "300"],
            Labels = new Dictionary<string, string>
            {
                [Names.OwnerLabel] = owner,
                [Names.CampaignLabel] = campaign,
                [Names.ExperimentLabel] = experiment,
            },
            HostConfig = new HostConfig { NetworkMode = "none" },
        });
        if (start)
        {
            await client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
        }

        return created.ID;
    }
}
