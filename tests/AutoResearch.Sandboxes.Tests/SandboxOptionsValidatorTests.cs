using AutoResearch.Abstractions;
using AutoResearch.Abstractions.Ports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AutoResearch.Sandboxes.Tests;

public sealed class SandboxOptionsValidatorTests
{
    [Fact]
    public void Defaults_with_an_owner_are_valid() =>
        Assert.True(new SandboxOptionsValidator().Validate(null, new SandboxOptions { Owner = "host-1/data" }).Succeeded);

    [Theory]
    [InlineData("owner")]
    [InlineData("endpoint")]
    [InlineData("cap")]
    [InlineData("user")]
    [InlineData("workdir")]
    [InlineData("label")]
    [InlineData("env")]
    [InlineData("files")]
    [InlineData("campaign")]
    [InlineData("grace")]
    [InlineData("keeper")]
    public void Invalid_settings_fail(string what)
    {
        var options = new SandboxOptions { Owner = "o" };
        switch (what)
        {
            case "owner": options.Owner = " "; break;
            case "endpoint": options.DockerEndpoint = "not a uri"; break;
            case "cap": options.OutputCapBytes = 10; break;
            case "user": options.User = "sandbox"; break;
            case "workdir": options.WorkDir = "work"; break;
            case "label": options.Labels[Names.OwnerLabel] = "x"; break;
            case "env": options.Environment["AR_SEED"] = "1"; break;
            case "files": options.MaxArtifactFiles = -1; break;
            case "campaign": options.MaxCampaignArtifactBytes = -1; break;
            case "grace": options.LimitGrace = TimeSpan.Zero; break;
            case "keeper": options.DiskKeeperCommand = "  "; break;
        }

        Assert.True(new SandboxOptionsValidator().Validate(null, options).Failed);
    }

    [Fact]
    public void Runner_refuses_invalid_options() =>
        Assert.Throws<OptionsValidationException>(() => new DockerSandboxRunner(Options.Create(new SandboxOptions())));

    [Fact]
    public void AddDockerSandboxes_registers_a_validated_singleton_runner()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddDockerSandboxes(o => o.Owner = "install-1");
        using var provider = services.BuildServiceProvider();

        var runner = provider.GetRequiredService<ISandboxRunner>();
        Assert.IsType<DockerSandboxRunner>(runner);
        Assert.Same(runner, provider.GetRequiredService<DockerSandboxRunner>());
        Assert.Equal("install-1", provider.GetRequiredService<IOptions<SandboxOptions>>().Value.Owner);
    }

    [Fact]
    public void AddDockerSandboxes_fails_validation_without_an_owner()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddDockerSandboxes(_ => { });
        using var provider = services.BuildServiceProvider();

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SandboxOptions>>().Value);
    }
}
