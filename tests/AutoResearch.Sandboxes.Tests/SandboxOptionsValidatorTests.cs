using AutoResearch.Abstractions;
using AutoResearch.Abstractions.Ports;
using Microsoft.Extensions.Configuration;
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
    [Theory]
    [InlineData("OPENAI_API_KEY")]
    [InlineData("HF_TOKEN")]
    [InlineData("AWS_SECRET_ACCESS_KEY")]
    [InlineData("PGPASSWORD")]
    [InlineData("GITHUB_PAT")]
    [InlineData("Db_ConnectionString")]
    public void Secret_looking_environment_names_are_refused(string name)
    {
        var options = new SandboxOptions { Owner = "o", Environment = { [name] = "x" } };

        var result = new SandboxOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var message = Assert.Single(result.Failures!);
        Assert.Contains($"'{name}' is refused: it looks like a secret", message, StringComparison.Ordinal);
        Assert.Contains($"Sandboxes__Environment__{name}", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("LD_PRELOAD")]
    [InlineData("LD_LIBRARY_PATH")]
    [InlineData("PYTHONPATH")]
    [InlineData("PYTHONSTARTUP")]
    [InlineData("BASH_ENV")]
    [InlineData("GLIBC_TUNABLES")]
    [InlineData("PATH")]
    [InlineData("HOME")]
    [InlineData("GCC_EXEC_PREFIX")]
    public void Environment_names_that_change_how_the_scorer_starts_are_refused(string name)
    {
        var options = new SandboxOptions { Owner = "o", Environment = { [name] = "x" } };

        var result = new SandboxOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("changes how programs in the image start", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PYTHONUNBUFFERED")]
    [InlineData("OMP_NUM_THREADS")]
    [InlineData("MKL_NUM_THREADS")]
    [InlineData("TOKENIZERS_PARALLELISM")]
    [InlineData("HF_HUB_OFFLINE")]
    [InlineData("KEYBOARD_LAYOUT")]
    public void Ordinary_environment_names_are_accepted(string name)
    {
        var options = new SandboxOptions { Owner = "o", Environment = { [name] = "1" } };

        Assert.True(new SandboxOptionsValidator().Validate(null, options).Succeeded, name);
    }

    [Fact]
    public void Host_variables_named_Sandboxes__Environment__NAME_reach_the_options_and_a_secret_stops_the_host()
    {
        var stem = "XTEST" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var threads = $"{stem}_THREADS";
        var token = $"{stem}_TOKEN";
        System.Environment.SetEnvironmentVariable($"Sandboxes__Environment__{threads}", "2");
        try
        {
            using (var ok = Provider())
            {
                Assert.Equal("2", ok.GetRequiredService<IOptions<SandboxOptions>>().Value.Environment[threads]);
            }

            System.Environment.SetEnvironmentVariable($"Sandboxes__Environment__{token}", "s3cret");
            using var refused = Provider();
            var error = Assert.Throws<OptionsValidationException>(() => refused.GetRequiredService<IOptions<SandboxOptions>>().Value);
            Assert.Contains($"'{token}' is refused: it looks like a secret", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(threads, error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            System.Environment.SetEnvironmentVariable($"Sandboxes__Environment__{threads}", null);
            System.Environment.SetEnvironmentVariable($"Sandboxes__Environment__{token}", null);
        }

        static ServiceProvider Provider()
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
            var services = new ServiceCollection().AddLogging();
            services.AddDockerSandboxes(o =>
            {
                configuration.GetSection(SandboxOptions.SectionName).Bind(o);
                o.Owner = "install-1";
            });
            return services.BuildServiceProvider();
        }
    }
}
