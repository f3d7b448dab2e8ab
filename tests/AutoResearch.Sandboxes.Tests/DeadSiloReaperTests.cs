using AutoResearch.Abstractions;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace AutoResearch.Sandboxes.Tests;

/// <summary>
/// A silo's sandboxes carry its silo id; a survivor on the same Docker host removes a dead silo's running sandbox (and its
/// work volume) by it, and nothing of another silo or of something that is not AutoResearch's.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class DeadSiloReaperTests(ITestOutputHelper output)
{
    [DockerFact]
    public async Task A_survivor_reaps_a_dead_silos_running_sandbox_and_nothing_else()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var deadSilo = $"10.9.9.9:11111@{suffix}";
        var otherSilo = $"10.9.9.8:11111@{suffix}";
        using var client = DockerTestEnvironment.CreateClient();
        using var dead = Runner("test-silo-dead-" + suffix, deadSilo);
        using var survivor = Runner("test-silo-alive-" + suffix, $"10.9.9.7:11111@{suffix}");
        using var bench = new TestBenchmark();

        var otherSilos = await CreateAsync(client, ("test-silo-other-" + suffix, otherSilo));
        var notOurs = await CreateAsync(client, (null, deadSilo)); // the silo label alone, no AutoResearch owner
        try
        {
            IReadOnlyList<string>? reaped = null;
            string? container = null;
            IDictionary<string, string>? labels = null;
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            var result = await dead.RunAsync(
                bench.Request(bench.Spec(["sleep", "60"]), experimentId: "exp-of-dead-silo"),
                async id =>
                {
                    container = id;
                    labels = (await client.Containers.InspectContainerAsync(id)).Config.Labels;
                    // The silo "dies" here; a survivor on this Docker host reaps what it left running.
                    reaped = await survivor.ReapSiloAsync(deadSilo, limit.Token);
                },
                null,
                limit.Token);
            output.WriteLine($"the dead silo's run ended {result.Status} {result.Failure}: {result.Reason}");

            Assert.Equal(deadSilo, labels![Names.SiloLabel]);
            Assert.Equal(["exp-of-dead-silo"], reaped);
            await Assert.ThrowsAsync<DockerContainerNotFoundException>(() => client.Containers.InspectContainerAsync(container!));
            var left = await DockerAssertions.ContainersWithLabelAsync(client, Names.SiloLabel, deadSilo);
            Assert.Equal([notOurs], left.Select(c => c.ID)); // the keeper of its work volume went too
            var volumes = await client.Volumes.ListAsync(new VolumesListParameters
            {
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{Names.SiloLabel}={deadSilo}"] = true } },
            });
            Assert.Empty(volumes.Volumes ?? []);

            Assert.True((await client.Containers.InspectContainerAsync(otherSilos)).State.Running);
            Assert.True((await client.Containers.InspectContainerAsync(notOurs)).State.Running);
            Assert.Empty(await survivor.ReapSiloAsync(deadSilo, CancellationToken.None));
            Assert.Throws<ArgumentException>(() => survivor.ReapSiloAsync($"10.9.9.7:11111@{suffix}", CancellationToken.None).GetAwaiter().GetResult());
        }
        finally
        {
            foreach (var id in new[] { otherSilos, notOurs })
            {
                try
                {
                    await client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true });
                }
                catch (DockerContainerNotFoundException)
                {
                }
            }
        }
    }

    [Fact]
    public void The_silo_label_is_the_runners_and_checked()
    {
        Assert.True(new SandboxOptionsValidator(_ => null).Validate(null, new SandboxOptions { Owner = "o", Silo = "10.0.0.5:11111@123" }).Succeeded);
        Assert.True(new SandboxOptionsValidator(_ => null).Validate(null, new SandboxOptions { Owner = "o", Silo = "bad silo" }).Failed);
        var options = new SandboxOptions { Owner = "o" };
        options.Labels[Names.SiloLabel] = "x";
        Assert.True(new SandboxOptionsValidator(_ => null).Validate(null, options).Failed);
    }

    private DockerSandboxRunner Runner(string owner, string silo) =>
        new(Options.Create(new SandboxOptions { Owner = owner, Silo = silo, DockerEndpoint = DockerTestEnvironment.Endpoint }),
            new TestOutputLogger<DockerSandboxRunner>(output));

    private static async Task<string> CreateAsync(IDockerClient client, (string? Owner, string Silo) labels)
    {
        var all = new Dictionary<string, string> { [Names.SiloLabel] = labels.Silo, [Names.ExperimentLabel] = "exp-other" };
        if (labels.Owner is not null)
            all[Names.OwnerLabel] = labels.Owner;
        var created = await client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = DockerTestEnvironment.Image,
            Entrypoint = ["sleep", "300"],
            Labels = all,
            HostConfig = new HostConfig { NetworkMode = "none" },
        });
        await client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
        return created.ID;
    }
}
